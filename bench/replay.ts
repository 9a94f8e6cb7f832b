// How fast `outputstraat replay` runs: N synthetic past receivables of Woonstad Noord (storno and rent,
// email, SMS and letter debtors; a seeded third pay in full on a day within 20, a tenth partly, one in
// twenty emails bounces) written as replay records to a temporary NDJSON file, then the replay command
// itself over flows/ + examples/01-woonstad-noord, timed from reading the file to the printed report.
// Prints one JSON line: the run's metadata (run-metadata.ts, as the main bench's line), the load average
// before and after, the replay's wall and CPU seconds (user and system of this process while it ran).
//
//   npx tsx bench/replay.ts [--receivables 100000] [--seed 20261203] [--workers N]
// --workers is passed to the replay command (default there: the threads the machine offers); the CPU
// seconds are of the whole process, worker threads included.
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../core/experiments/index.js';
import type { ReplayRecord } from '../core/replay/index.js';
import { cli } from '../operator/cli/test-kit.js';
import { wholeNumber } from './options.js';
import { machineMetadata } from './run-metadata.js';

const { values } = parseArgs({
  options: {
    receivables: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20261203' },
    workers: { type: 'string' },
  },
});
const N = wholeNumber('receivables', values.receivables, 1);
const SEED = wholeNumber('seed', values.seed);
const WORKERS = values.workers !== undefined ? wholeNumber('workers', values.workers, 1) : undefined;
const random = seededRandom(SEED);
const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T07:00:00Z');
const CHANNELS = ['email', 'email', 'email', 'sms', 'letter'] as const;

const dir = mkdtempSync(join(tmpdir(), 'ost-bench-replay-'));
const file = join(dir, 'records.ndjson');
const meta = machineMetadata();
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const loadBefore = load();
// Written as generated, never held as one array of N lines.
const out = createWriteStream(file);
for (let i = 0; i < N; i++) {
  const accepted = T0 + Math.floor(random() * 30) * DAY + Math.floor(random() * 10 * 3_600_000);
  const amount = 20_000 + Math.floor(random() * 80_000);
  const storno = random() < 0.5;
  const events: ReplayRecord['events'] = [];
  if (random() < 0.05)
    events.push({
      at: new Date(accepted + 60_000).toISOString(),
      type: 'bounced',
      step: 'storno-email',
      channel: 'email',
    });
  const r = random();
  if (r < 0.33)
    events.push({ at: new Date(accepted + Math.floor(random() * 20 * DAY)).toISOString(), type: 'paid' });
  else if (r < 0.43)
    events.push({
      at: new Date(accepted + Math.floor(random() * 20 * DAY)).toISOString(),
      type: 'partiallyPaid',
      balance: Math.floor(amount / 2),
    });
  const record: ReplayRecord = {
    receivable: {
      externalId: `BENCH-${i}`,
      kind: storno ? 'storno' : 'rent',
      amount,
      currency: 'EUR',
      dueDate: new Date(accepted - 5 * DAY).toISOString().slice(0, 10),
      paymentReference: String(1_000_000_000 + i),
      description: storno ? 'Storno huur' : 'Huurachterstand',
      ...(storno ? { stornoReasonCode: 'AM04' } : {}),
      source: 'production',
      debtor: {
        id: `D-BENCH-${i}`,
        name: 'A. Huurder',
        email: `huurder-${i}@example.org`,
        phone: `+316${String(10_000_000 + i).slice(-8)}`,
        locale: 'nl',
        preferredChannel: CHANNELS[i % CHANNELS.length]!,
        address: {
          street: 'Vismarkt',
          houseNumber: String(1 + (i % 200)),
          postalCode: '9712 CA',
          city: 'Groningen',
        },
      },
    } as ReplayRecord['receivable'],
    acceptedAt: new Date(accepted).toISOString(),
    until: new Date(T0 + 60 * DAY).toISOString(),
    events,
    sent: [],
    alerts: [],
  };
  if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'close');

const started = performance.now();
const cpu = process.cpuUsage();
const workers = WORKERS !== undefined ? ['--workers', String(WORKERS)] : [];
const run = await cli(
  '.',
  'replay',
  'flows',
  'examples/01-woonstad-noord',
  '--records',
  file,
  '-o',
  'json',
  ...workers,
);
const used = process.cpuUsage(cpu);
const seconds = (performance.now() - started) / 1000;
rmSync(dir, { recursive: true, force: true });
if (run.code !== 0) {
  console.error(run.err);
  process.exit(1);
}
const report = JSON.parse(run.out) as {
  records: number;
  failed: unknown[];
  replayed: Record<string, number>;
};
const round = (x: number) => Number(x.toFixed(1));
console.log(
  JSON.stringify({
    meta,
    options: {
      receivables: N,
      seed: SEED,
      workers: WORKERS ?? availableParallelism(),
    },
    loadAverage: { before: loadBefore, after: load() },
    replay: {
      receivables: report.records,
      failed: report.failed.length,
      replayed: report.replayed,
      seconds: round(seconds),
      userSeconds: round(used.user / 1e6),
      systemSeconds: round(used.system / 1e6),
      perSecond: Math.round(report.records / seconds),
    },
  }),
);
