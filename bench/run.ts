// `npm run bench`: throughput of the street on this machine, next to the raw floors of what it is built
// on, measured in one run on the same servers:
//   floors  JetStream publish+ack (a stream like OST_INTAKE, fsync always) of one message per receivable
//           and of the NDJSON ingress's chunks, Postgres multi-row INSERT of receivable rows (at the start,
//           and again right before the pipeline, which is judged against the higher of the two), SMTP (nodemailer
//           pooled to the local sink);
//   peers   the same email job (render, nodemailer pool to the sink, one archive row) drained by
//           graphile-worker, pg-boss and a plain SKIP LOCKED loop: what a Node team would use instead;
//   ours    bulk NDJSON ingest to 202, intake (stored + classified + first steps scheduled), dispatch of
//           due sends to the SMTP sink, each alone; then the pipeline: ingest and intake at once, from
//           the first byte posted to the last case stored;
//   timers  N steps scheduled in the future: the scheduler's claim rate beside them, the runtime's memory.
// Options: --receivables N (each phase alone, default 50 000), --pipeline N (default: --receivables),
// --full (the pipeline with 2.4 million and 1 million pending timers: the national-scale figures),
// --mails N (dispatch and each peer, default 5 000), --timers N (default 100 000, 1 000 000 with --full,
// 0 skips the phase), --dispatch-pods N (dispatch runtimes, default 1), --profile DIR (CPU profiles of
// the runtimes), --statements DIR (Postgres's busiest statements per phase, bench/statements.ts),
// --fairness (only the fairness scenario of bench/fairness.ts: --bulk N receivables of one corporation,
// default 100 000, posted as NDJSON or with --bulk-as json as single posts, beside single receivables of
// another every --interval-ms, default 200, for at most
// --window-s, default 180: a few minutes in all, so not part of the default run). After the report the last line of stdout is always one JSON line with every figure, the
// ratios and the run's metadata (figures-json.ts; --json is still accepted). Runtimes and peers run as
// child processes, like pods.
import { parseArgs } from 'node:util';
import { FAIRNESS_OVERLAY, formatFairness, measureFairness } from './fairness.js';
import { fairnessLine, figuresLine } from './figures-json.js';
import {
  floorJetStream,
  floorJetStreamChunked,
  floorJetStreamLazyFsync,
  floorPostgres,
  floorSmtp,
  quietDatabase,
} from './floors.js';
import { wholeNumber } from './options.js';
import {
  measureDispatch,
  measureIngest,
  measureIntake,
  measurePipeline,
  profileRuntimesInto,
  type StreetUnderTest,
  startStreetUnderTest,
} from './ours.js';
import { measurePeers } from './peers/measure-peers.js';
import { PEERS } from './peers/peers.js';
import { type Figures, formatReport } from './report.js';
import { runMetadata } from './run-metadata.js';
import { resetStatements, STATEMENTS_SETTINGS, writeStatements } from './statements.js';
import { measureTimers } from './timers.js';

const { values } = parseArgs({
  options: {
    receivables: { type: 'string', default: '50000' },
    pipeline: { type: 'string' },
    profile: { type: 'string' },
    statements: { type: 'string' },
    fairness: { type: 'boolean', default: false },
    bulk: { type: 'string', default: '100000' },
    'bulk-as': { type: 'string', default: 'ndjson' },
    'interval-ms': { type: 'string', default: '200' },
    'window-s': { type: 'string', default: '180' },
    'dispatch-pods': { type: 'string', default: '1' },
    mails: { type: 'string', default: '5000' },
    timers: { type: 'string' },
    full: { type: 'boolean', default: false },
    /** The JSON line is always printed; kept so older commands still run. */
    json: { type: 'boolean', default: false },
  },
});
const receivables = wholeNumber('receivables', values.receivables, 1);
const pipelined = values.full ? 2_400_000 : wholeNumber('pipeline', values.pipeline ?? values.receivables, 1);
const mails = wholeNumber('mails', values.mails, 1);
const timers =
  values.timers !== undefined ? wholeNumber('timers', values.timers) : values.full ? 1_000_000 : 100_000;
const dispatchPods = wholeNumber('dispatch-pods', values['dispatch-pods'], 1);
const bulk = wholeNumber('bulk', values.bulk, 1);
const intervalMs = wholeNumber('interval-ms', values['interval-ms'], 1);
const windowS = wholeNumber('window-s', values['window-s'], 1);
const bulkAs = values['bulk-as'];
if (bulkAs !== 'ndjson' && bulkAs !== 'json') {
  process.stderr.write(`bench: --bulk-as ${bulkAs}: use ndjson (the default) or json\n`);
  process.exit(2);
}
const floorCount = Math.min(receivables, 50_000);
// The dispatch phase mails the receivables the intake phase stored: it would wait for mails never due.
if (!values.fairness && mails > receivables) {
  process.stderr.write(
    `bench: --mails ${mails} is more than --receivables ${receivables}: dispatch sends the receivables intake stored; raise --receivables or lower --mails\n`,
  );
  process.exit(2);
}

if (values.profile) profileRuntimesInto(values.profile);
const say = (text: string) => process.stderr.write(`bench: ${text}\n`);
let street: StreetUnderTest | undefined;
try {
  say(`starting nats-server (sync_interval: always), Postgres database and SMTP sink`);
  const s = await startStreetUnderTest(
    values.statements ? STATEMENTS_SETTINGS : {},
    values.fairness ? [FAIRNESS_OVERLAY] : [],
  );
  street = s;
  const statementsDir = values.statements;
  const underStatements = async <T>(phase: string, measure: () => Promise<T>): Promise<T> => {
    if (!statementsDir) return measure();
    await resetStatements(s);
    const result = await measure();
    say(`statements of ${phase}: ${await writeStatements(s, statementsDir, phase)}`);
    return result;
  };
  const meta = await runMetadata(street);
  if (values.fairness) {
    say(`fairness: ${bulk} receivables of one corporation (${bulkAs}) beside single receivables of another`);
    const fairness = await measureFairness(s, bulk, intervalMs, windowS, say, bulkAs);
    process.stdout.write(formatFairness(fairness));
    process.stdout.write(
      fairnessLine({ meta, options: { fairness: true, bulk, bulkAs, intervalMs, windowS }, fairness }),
    );
  } else {
    say('floor: JetStream publish+ack, one message per receivable');
    const js = await floorJetStream(street, floorCount);
    say('floor: JetStream publish+ack, receivables in chunks like the NDJSON ingress');
    const jsChunked = await floorJetStreamChunked(street, floorCount);
    say('for comparison: JetStream publish+ack with the default fsync every 2 minutes (scratch server)');
    const jsLazy = await floorJetStreamLazyFsync(floorCount);
    say('floor: Postgres multi-row INSERT');
    const pg = await floorPostgres(street, floorCount);
    say('floor: SMTP via nodemailer pool');
    const smtp = await floorSmtp(street, mails);
    say(`ours: NDJSON ingest of ${receivables} receivables`);
    const ingest = await underStatements('ingest', () => measureIngest(s, receivables));
    say('ours: intake (stored, classified, scheduled)');
    const intake = await underStatements('intake', () => measureIntake(s, receivables));
    say(`ours: dispatch of ${mails} due sends by ${dispatchPods} pod(s)`);
    const dispatch = await underStatements('dispatch', () => measureDispatch(s, mails, dispatchPods));
    const peers = await measurePeers(street, PEERS, mails, say);
    // The Postgres floor is measured again right before the pipeline, on a quiet database: the machine's speed
    // drifts by a quarter within minutes either way, so the pipeline is judged against the higher of the
    // two floors. (Not after it too: the autovacuum of the rows it wrote starts within a minute, whenever
    // it likes.)
    const waited = await quietDatabase(s);
    say(
      `floor: Postgres multi-row INSERT right before the pipeline (after ${(waited / 1000).toFixed(0)} s for autovacuum and sync)`,
    );
    const pgBeforePipeline = await floorPostgres(s, Math.min(pipelined, 100_000));
    say(`ours: pipeline of ${pipelined} receivables (ingest and intake at once)`);
    const pipeline = await underStatements('pipeline', () => measurePipeline(s, pipelined));
    const timerFigures = timers > 0 ? await measureTimers(street, timers, say) : undefined;
    const figures: Figures = {
      meta,
      options: { receivables, pipeline: pipelined, mails, dispatchPods, timers },
      floors: { js, jsChunked, jsLazy, pg, smtp, pgBeforePipeline },
      peers,
      ours: { ingest, intake, dispatch, pipeline },
      ...(timerFigures ? { timers: timerFigures } : {}),
    };
    process.stdout.write(formatReport(figures));
    process.stdout.write(figuresLine(figures));
  }
} finally {
  await street?.stop();
}
