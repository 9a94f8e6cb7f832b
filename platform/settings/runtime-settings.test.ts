import { describe, expect, it } from 'vitest';
import { isOutputstraatError } from '../../core/errors/index.js';
import { readSettings } from './runtime-settings.js';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/street' };

describe('OST_STREAM_REPLICAS', () => {
  it('is 1 unless set, so a single nats-server works as before', () => {
    expect(readSettings(base).streamReplicas).toBe(1);
  });

  it('asks for three copies of every stream in a three-node cluster', () => {
    expect(readSettings({ ...base, OST_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
  });

  it.each(['0', '6', 'three'])('refuses %s and says what to use', (value) => {
    let thrown: unknown;
    try {
      readSettings({ ...base, OST_STREAM_REPLICAS: value });
    } catch (err) {
      thrown = err;
    }
    expect(isOutputstraatError(thrown, 'OST_ERR_CONFIG')).toBe(true);
    expect((thrown as Error).message).toContain(`OST_STREAM_REPLICAS=${value}`);
    expect((thrown as Error).message).toContain('use 1 for a single nats-server, 3 for a three-node cluster');
  });
});
