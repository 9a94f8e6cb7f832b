import { describe, expect, it } from 'vitest';
import { ReconcileQueue } from './reconcile-queue.js';

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('work queue', () => {
  it('coalesces repeats of a waiting key and never works on one key twice at once', async () => {
    const seen: string[] = [];
    const active = new Set<string>();
    let overlap = false;
    const q = new ReconcileQueue(
      async (key) => {
        if (active.has(key)) overlap = true;
        active.add(key);
        seen.push(key);
        await tick(20);
        active.delete(key);
      },
      { concurrency: 2 },
    );
    q.start();
    for (let i = 0; i < 5; i++) q.add('a');
    q.add('b');
    await tick(5);
    q.add('a'); // while a runs: once more afterwards
    await tick(100);
    await q.stop();
    expect(seen.filter((k) => k === 'a')).toHaveLength(2);
    expect(seen.filter((k) => k === 'b')).toHaveLength(1);
    expect(overlap).toBe(false);
  });

  it('retries a failing key with backoff until it succeeds', async () => {
    let attempts = 0;
    const q = new ReconcileQueue(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
      },
      { retry: { initialMs: 5, maxMs: 20 } },
    );
    q.start();
    q.add('k');
    await tick(150);
    await q.stop();
    expect(attempts).toBe(3);
  });
});
