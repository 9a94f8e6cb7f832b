// Where a phase's CPU went, for the whole machine: every process's user+system time from /proc, grouped
// (Postgres, nats-server, our runtime pods, a peer's process, the bench itself — which runs the SMTP sink
// and the floors' clients — and everything else), per item the phase handled. On two cores the street,
// its servers and the sink share the same CPUs, so a faster phase needs less work per item from all of
// them, not only from our pod: this shows which process does that work.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports times in ticks of 1/100 s on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export const CPU_GROUPS = ['postgres', 'nats', 'pods', 'peer', 'bench', 'other'] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];

export interface CpuSnapshot {
  /** CPU milliseconds by group since each process started. */
  byGroup: Record<CpuGroup, number>;
  /** The machine's busy and idle milliseconds summed over its CPUs (/proc/stat). */
  busyMs: number;
  idleMs: number;
}

/** CPU milliseconds per item handled, by group, and how idle the machine was (0–1) during the phase. */
export type CpuPerItem = Record<CpuGroup, number> & { idle: number };

function group(pid: string, comm: string): CpuGroup | undefined {
  if (comm === 'postgres') return 'postgres';
  if (comm === 'nats-server') return 'nats';
  if (pid === String(process.pid)) return 'bench';
  if (comm !== 'node' && comm !== 'MainThread') return 'other';
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  if (cmdline.includes('runtime/main.ts')) return 'pods';
  if (cmdline.includes('peer-process.ts')) return 'peer';
  return 'other';
}

/**
 * The processes' times now. A Postgres backend that exits between two snapshots is counted through its
 * postmaster's children's times (it reaps them); a node process's children's times are not added, so
 * take the second snapshot before stopping the pods or the peer.
 */
export function cpuSnapshot(): CpuSnapshot {
  const byGroup = Object.fromEntries(CPU_GROUPS.map((g) => [g, 0])) as Record<CpuGroup, number>;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Fields after the name start at field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    const g = group(pid, comm);
    if (!g) continue;
    const own = utime! + stime!;
    const reaped = comm === 'postgres' ? cutime! + cstime! : 0;
    byGroup[g] += ((own + reaped) * 1000) / TICKS_PER_SECOND;
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: idle and iowait are the idle time.
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    byGroup,
    busyMs: ((total - idle) * 1000) / TICKS_PER_SECOND,
    idleMs: (idle * 1000) / TICKS_PER_SECOND,
  };
}

/** The CPU per item between two snapshots. */
export function cpuPerItem(before: CpuSnapshot, after: CpuSnapshot, items: number): CpuPerItem {
  const per = Object.fromEntries(
    CPU_GROUPS.map((g) => [g, (after.byGroup[g] - before.byGroup[g]) / items]),
  ) as Record<CpuGroup, number>;
  const busy = after.busyMs - before.busyMs;
  const idle = after.idleMs - before.idleMs;
  return { ...per, idle: busy + idle > 0 ? idle / (busy + idle) : 0 };
}

/** One line: "postgres 1.20, nats 0.10, … ms a mail; machine 3 % idle". */
export function formatCpu(cpu: CpuPerItem, item: string): string {
  const parts = CPU_GROUPS.filter((g) => cpu[g] >= 0.005).map((g) => `${g} ${cpu[g].toFixed(2)}`);
  const total = CPU_GROUPS.reduce((a, g) => a + cpu[g], 0);
  return `CPU ms a ${item}: ${parts.join(', ')} (total ${total.toFixed(2)}); machine ${(cpu.idle * 100).toFixed(0)} % idle`;
}
