import { afterEach, describe, expect, it, vi } from 'vitest';
import { holdGroupLease, holdSendLease, LeaseLost } from './send-lease.js';

describe('the lease of a send in flight', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is renewed every quarter lease while the send goes on, and never aborts it while renewals succeed', async () => {
    vi.useFakeTimers();
    const renew = vi.fn(async () => true);
    const lease = holdSendLease({ leaseMs: 1_000, renew });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(renew).toHaveBeenCalledTimes(20);
    expect(lease.signal.aborted).toBe(false);
    lease.release();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(renew).toHaveBeenCalledTimes(20);
  });

  it('aborts the send at once when the step is no longer held by this dispatcher', async () => {
    vi.useFakeTimers();
    const lease = holdSendLease({ leaseMs: 1_000, renew: async () => false });
    await vi.advanceTimersByTimeAsync(250);
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBeInstanceOf(LeaseLost);
    lease.release();
  });

  it('aborts the send before the lease can lapse when the database does not confirm a renewal for half a lease', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const lease = holdSendLease({
      leaseMs: 1_000,
      renew: async () => {
        throw new Error('database unavailable');
      },
      onRenewError: (err) => errors.push(err),
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(lease.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(250);
    expect(lease.signal.aborted).toBe(true);
    expect((lease.signal.reason as Error).message).toMatch(/could not be renewed for \d+ ms/);
    expect(errors).toHaveLength(1);
    lease.release();
  });

  it('a renewal that hangs counts as unconfirmed', async () => {
    vi.useFakeTimers();
    const lease = holdSendLease({ leaseMs: 1_000, renew: () => new Promise<boolean>(() => undefined) });
    await vi.advanceTimersByTimeAsync(750);
    expect(lease.signal.aborted).toBe(true);
    lease.release();
  });
});

describe('the leases of a group of sends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews every held step in one call and aborts only the send whose step was taken from it', async () => {
    vi.useFakeTimers();
    const asked: string[][] = [];
    const lease = holdGroupLease(['a', 'b', 'c'], {
      leaseMs: 1_000,
      renew: async (ids) => {
        asked.push([...ids]);
        return new Set(ids.filter((id) => id !== 'b'));
      },
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(asked).toEqual([['a', 'b', 'c']]);
    expect(lease.of('b').signal.aborted).toBe(true);
    expect(lease.of('b').signal.reason).toBeInstanceOf(LeaseLost);
    expect(lease.of('a').signal.aborted).toBe(false);
    lease.of('a').release();
    await vi.advanceTimersByTimeAsync(250);
    expect(asked[1]).toEqual(['c']);
    expect(lease.of('c').signal.aborted).toBe(false);
    lease.of('c').release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(asked).toHaveLength(2);
  });

  it('aborts every send of the group when no renewal is confirmed for half a lease', async () => {
    vi.useFakeTimers();
    const lease = holdGroupLease(['a', 'b'], {
      leaseMs: 1_000,
      renew: () => new Promise<ReadonlySet<string>>(() => undefined),
    });
    await vi.advanceTimersByTimeAsync(750);
    expect(lease.of('a').signal.aborted).toBe(true);
    expect(lease.of('b').signal.aborted).toBe(true);
    expect(lease.of('x').signal.aborted).toBe(true);
    lease.releaseAll();
  });
});
