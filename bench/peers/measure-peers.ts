// The peers' drain, measured like our dispatch: the same Postgres (fsync and synchronous_commit on), the
// same SMTP sink, the same job per message (email-job.ts), each peer in a process of its own. Its queue
// is filled first (not timed); the clock runs from the moment the process says it takes the first job
// until the sink has every mail and the peer's archive every row; then its queue must be empty.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReceivableInput } from '../../core/receivable/index.js';
import { fixtureReceivable } from '../../tests/support/durability-street.js';
import { benchBundleJson } from '../bench-bundle.js';
import { cpuPerItem, cpuSnapshot } from '../cpu.js';
import type { StreetUnderTest } from '../ours.js';
import { type Rate, rate } from '../rate.js';
import { archiveTableSql, type EmailJob } from './email-job.js';
import type { Peer } from './peer.js';

export interface PeerFigure extends Rate {
  name: string;
  version: string;
  settings: string;
  /** Average size of the rendered HTML it archived: the work per message. */
  htmlBytes: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Receivable numbers of the peers' jobs: apart from the ones our phases post. */
const PEER_FIRST_ID = 20_000_000;
const DRAIN_TIMEOUT_MS = 30 * 60_000;

/** The bundle our runtime renders with, from the same KV bucket, for the peers' processes. */
async function writeBundleFile(street: StreetUnderTest, dir: string): Promise<string> {
  const file = join(dir, 'bundle.json');
  writeFileSync(file, await benchBundleJson(street));
  return file;
}

export async function measurePeers(
  street: StreetUnderTest,
  peers: readonly Peer[],
  mails: number,
  say: (text: string) => void,
): Promise<Record<string, PeerFigure>> {
  const dir = mkdtempSync(join(tmpdir(), 'ost-bench-peers-'));
  try {
    const bundleFile = await writeBundleFile(street, dir);
    const figures: Record<string, PeerFigure> = {};
    for (const peer of peers) {
      say(`peer: ${peer.name} ${peer.version} (${peer.settings}), ${mails} mails`);
      figures[peer.key] = await measurePeer(street, peer, mails, bundleFile);
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measurePeer(
  street: StreetUnderTest,
  peer: Peer,
  mails: number,
  bundleFile: string,
): Promise<PeerFigure> {
  const jobs: EmailJob[] = Array.from({ length: mails }, (_, i) => ({
    ref: `peer-${peer.key}-${i}`,
    // The fixture receivable is valid (our ingress takes it); its type only says `source: string`.
    receivable: fixtureReceivable(PEER_FIRST_ID + i) as ReceivableInput,
  }));
  await street.sql.query(archiveTableSql(peer.archiveTable));
  await peer.enqueue(street.databaseUrl, jobs);
  const sinkFrom = street.sink.mails.length;
  const child = await startPeerProcess(peer, {
    DATABASE_URL: street.databaseUrl,
    BENCH_SMTP_PORT: String(street.sink.port),
    BENCH_BUNDLE_FILE: bundleFile,
  });
  try {
    const cpuBefore = cpuSnapshot();
    const started = performance.now();
    await until(child, async () => street.sink.mails.length - sinkFrom >= mails, DRAIN_TIMEOUT_MS, 'mails');
    await until(child, async () => (await archived(street, peer)) >= mails, DRAIN_TIMEOUT_MS, 'archive');
    const ms = performance.now() - started;
    const cpu = cpuPerItem(cpuBefore, cpuSnapshot(), mails);
    await until(child, async () => (await peer.pending(street.sql)) === 0, 60_000, 'an empty queue');
    await stopPeerProcess(child.process);
    check(street, peer, sinkFrom, mails, await archived(street, peer));
    street.sink.mails.splice(sinkFrom);
    const { rows } = await street.sql.query(
      `SELECT avg(octet_length(html))::int AS bytes FROM ${peer.archiveTable}`,
    );
    const { name, version, settings } = peer;
    return { name, version, settings, htmlBytes: rows[0].bytes as number, ...rate(mails, ms), cpu };
  } finally {
    child.process.kill('SIGKILL');
  }
}

async function archived(street: StreetUnderTest, peer: Peer): Promise<number> {
  const { rows } = await street.sql.query(`SELECT count(*)::int AS n FROM ${peer.archiveTable}`);
  return rows[0].n as number;
}

/** Every job once: one mail per job at the sink, one archive row per job; none twice, no stranger. */
function check(street: StreetUnderTest, peer: Peer, sinkFrom: number, mails: number, rows: number) {
  const got = street.sink.mails.slice(sinkFrom);
  const ids = new Set(got.map((m) => m.messageId));
  const strangers = got.filter((m) => !m.messageId.startsWith(`peer-${peer.key}-`)).length;
  if (got.length !== mails || ids.size !== mails || strangers > 0 || rows !== mails) {
    throw new Error(
      `${peer.name}: ${got.length} mails (${ids.size} distinct, ${strangers} not its own) and ${rows} archive rows for ${mails} jobs`,
    );
  }
}

interface PeerChild {
  process: ChildProcess;
  /** Set once the process exited, with what it wrote to stderr. */
  failure?: string;
}

async function startPeerProcess(peer: Peer, env: Record<string, string>): Promise<PeerChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/peers/peer-process.ts', peer.key], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  const child: PeerChild = { process: proc };
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  proc.once('exit', (code, signal) => {
    child.failure = `${peer.name} exited (${signal ?? code}):\n${stderr}`;
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').includes('ready')) ok();
    });
    proc.once('exit', () => fail(new Error(child.failure)));
  });
  return child;
}

async function stopPeerProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

async function until(child: PeerChild, probe: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (child.failure) throw new Error(child.failure);
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
