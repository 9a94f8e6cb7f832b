import { describe, expect, it } from 'vitest';
import { CPU_GROUPS, type CpuSnapshot, cpuPerItem, cpuSnapshot, formatCpu } from './cpu.js';

const snapshot = (byGroup: Partial<CpuSnapshot['byGroup']>, busyMs: number, idleMs: number): CpuSnapshot => ({
  byGroup: { ...Object.fromEntries(CPU_GROUPS.map((g) => [g, 0])), ...byGroup } as CpuSnapshot['byGroup'],
  busyMs,
  idleMs,
});

describe('bench CPU accounting', () => {
  it('counts the CPU this process burns as the bench’s, read from /proc', () => {
    const before = cpuSnapshot();
    const until = performance.now() + 300;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const after = cpuSnapshot();
    expect(x).toBeGreaterThan(0);
    // 300 ms of a busy loop; /proc counts in ticks of 10 ms and the machine may run other work meanwhile.
    expect(after.byGroup.bench - before.byGroup.bench).toBeGreaterThanOrEqual(150);
    expect(after.busyMs - before.busyMs).toBeGreaterThanOrEqual(150);
    for (const g of CPU_GROUPS) expect(after.byGroup[g]).toBeGreaterThanOrEqual(0);
  });

  it('divides each group’s CPU by the items and says how idle the machine was', () => {
    const per = cpuPerItem(
      snapshot({ postgres: 1_000, pods: 500 }, 10_000, 30_000),
      snapshot({ postgres: 3_000, pods: 4_500, bench: 250 }, 16_000, 32_000),
      1_000,
    );
    expect(per).toMatchObject({ postgres: 2, pods: 4, bench: 0.25, nats: 0, peer: 0, other: 0 });
    expect(per.idle).toBeCloseTo(0.25);
    expect(formatCpu(per, 'mail')).toBe(
      'CPU ms a mail: postgres 2.00, pods 4.00, bench 0.25 (total 6.25); machine 25 % idle',
    );
  });
});
