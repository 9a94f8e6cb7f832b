// What a run was measured on and with, so a later run can be compared with it mechanically: the
// commit, Node, the machine, and the durability settings read back from the servers themselves.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { StreetUnderTest } from './ours.js';

/** The commit, Node and the machine: what every bench line carries (bench/replay.ts uses it alone). */
export interface MachineMetadata {
  date: string;
  commit: string;
  /** Uncommitted changes in the work tree when the bench ran. */
  dirty: boolean;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
}

export interface RunMetadata extends MachineMetadata {
  durability: {
    postgres: { fsync: string; synchronousCommit: string };
    jetstream: { syncInterval: string };
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

async function setting(street: StreetUnderTest, name: string): Promise<string> {
  const { rows } = await street.sql.query(`SELECT current_setting($1) AS value`, [name]);
  return String(rows[0].value);
}

export function machineMetadata(): MachineMetadata {
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

export async function runMetadata(street: StreetUnderTest): Promise<RunMetadata> {
  const [fsync, synchronousCommit] = await Promise.all([
    setting(street, 'fsync'),
    setting(street, 'synchronous_commit'),
  ]);
  if (fsync !== 'on' || synchronousCommit !== 'on') {
    throw new Error(`the bench's Postgres runs with fsync=${fsync}, synchronous_commit=${synchronousCommit}`);
  }
  return {
    ...machineMetadata(),
    durability: {
      postgres: { fsync, synchronousCommit },
      // tests/support/nats-server.ts writes it into the bench server's config (its default).
      jetstream: { syncInterval: street.nats.syncInterval },
    },
  };
}
