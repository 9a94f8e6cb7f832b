// A task opened for something that can happen twice (a redelivered alert, a dead letter seen again) gets
// the same id each time, so the second attempt opens no second task.
import { describe, expect, it } from 'vitest';
import { derivedTaskId } from './open-task.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('derivedTaskId', () => {
  it('is a version-8 UUID, the same for the same thing and different for another', () => {
    const a = derivedTaskId('alert:4b1c7a3e-0000-4000-8000-000000000001');
    expect(a).toMatch(UUID);
    expect(derivedTaskId('alert:4b1c7a3e-0000-4000-8000-000000000001')).toBe(a);
    expect(derivedTaskId('alert:4b1c7a3e-0000-4000-8000-000000000002')).not.toBe(a);
    expect(derivedTaskId('dead-letter:4b1c7a3e-0000-4000-8000-000000000001')).not.toBe(a);
  });
});
