import { describe, expect, it } from 'vitest';
import { workerModule } from './worker-module.js';

describe('workerModule', () => {
  it('names the .ts source beside a module run from source, and loads tsx in its thread', () => {
    const { url, execArgv } = workerModule(
      'smtp-relay-worker',
      'file:///app/runtime/channels/smtp-relay-thread.ts',
    );
    expect(url.href).toBe('file:///app/runtime/channels/smtp-relay-worker.ts');
    expect(execArgv).toEqual(['--import', 'tsx']);
  });

  it('names the compiled .js beside a module run from dist/, with no loader', () => {
    const { url, execArgv } = workerModule(
      'replay-worker',
      'file:///app/dist/operator/cli/replay-workers.js',
    );
    expect(url.href).toBe('file:///app/dist/operator/cli/replay-worker.js');
    expect(execArgv).toEqual([]);
  });
});
