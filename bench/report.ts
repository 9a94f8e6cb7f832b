import { formatCpu } from './cpu.js';
import type { PeerFigure } from './peers/measure-peers.js';
import { higherRate, type Rate } from './rate.js';
import type { RunMetadata } from './run-metadata.js';
import type { TimerFigures } from './timers.js';

/** Every figure of a run; `--json` prints it as one line. */
export interface Figures {
  meta: RunMetadata;
  options: { receivables: number; pipeline: number; mails: number; dispatchPods: number; timers: number };
  floors: {
    js: Rate;
    jsChunked: Rate;
    jsLazy: Rate;
    /** At the start of the run: the floor of the intake phase. */
    pg: Rate;
    smtp: Rate;
    /** The same floor right before the pipeline (up to 100,000 rows); the pipeline is judged against the higher. */
    pgBeforePipeline: Rate;
  };
  /** The same email job drained by what a Node team would use instead, keyed graphileWorker, pgBoss, skipLocked. */
  peers: Record<string, PeerFigure>;
  ours: {
    ingest: Rate;
    intake: Rate;
    dispatch: Rate;
    /** Ingest and intake at once, first byte to last case. */
    pipeline: Rate;
  };
  /** Absent with --timers 0. */
  timers?: TimerFigures;
}

const AIM_RECEIVABLES = 2_400_000;
// Issue #16: the 2.4 million of a national rent day in five minutes.
const AIM_SECONDS = 300;

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
const mib = (x: number) => `${x.toFixed(0)} MiB`;

const line = (label: string, r: Rate, floor?: { name: string; rate: Rate }, item = 'mail') =>
  `  ${label.padEnd(44)} ${n(r.perSecond).padStart(8)}/s  (${n(r.count)} in ${r.seconds.toFixed(1)} s)` +
  (floor ? `  = ${pct(r.perSecond / floor.rate.perSecond)} of ${floor.name}` : '') +
  (r.cpu ? `\n      ${formatCpu(r.cpu, item)}` : '');

function header(f: Figures): string[] {
  const m = f.meta;
  const pg = m.durability.postgres;
  return [
    '',
    `Outputstraat bench — ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.date}`,
    `commit ${m.commit.slice(0, 12)}${m.dirty ? ' with uncommitted changes' : ''}`,
    `durability, the same for every figure: Postgres fsync=${pg.fsync}, synchronous_commit=${pg.synchronousCommit}` +
      ` (read from the server); JetStream sync_interval: ${m.durability.jetstream.syncInterval}`,
  ];
}

function peerLines(f: Figures): string[] {
  const peers = Object.values(f.peers);
  if (peers.length === 0) return [];
  return [
    `peers: the same email job (our template rendered, ${n(peers[0]!.htmlBytes)} bytes of HTML; nodemailer pool of 5 to the sink; one archive row),`,
    `  ${n(f.options.mails)} jobs queued first, the drain timed:`,
    ...peers.flatMap((p) => [
      line(`${p.name} ${p.version}`.trim(), p, { name: 'SMTP floor', rate: f.floors.smtp }),
      `      ${p.settings}`,
    ]),
  ];
}

function dispatchLines(f: Figures): string[] {
  const { dispatch } = f.ours;
  const pods = f.options.dispatchPods;
  const ratios = Object.values(f.peers).map(
    (p) => `${(dispatch.perSecond / p.perSecond).toFixed(2)}× ${p.name}`,
  );
  return [
    line(`dispatch: due sends handed to SMTP (${pods} pod${pods === 1 ? '' : 's'})`, dispatch, {
      name: 'SMTP floor',
      rate: f.floors.smtp,
    }),
    ...(ratios.length > 0 ? [`    = ${ratios.join(', ')}`] : []),
  ];
}

function timerLines(t: TimerFigures | undefined): string[] {
  if (!t) return [];
  const growth = t.memoryWithPending.rssMiB - t.memoryWithNone.rssMiB;
  return [
    `pending timers: ${n(t.pending)} send steps scheduled in the future (own database on the same Postgres):`,
    line('insert: receivable + case + step, set-based', t.insert),
    line(`claim: ${n(t.slice)} made due, nothing else pending`, t.claimWithNone),
    line(`claim: ${n(t.slice)} made due, ${n(t.pending - t.slice)} pending`, t.claimWithPending, {
      name: 'the claim rate with none pending',
      rate: t.claimWithNone,
    }),
    `  runtime memory (RSS, every worker): ${mib(t.memoryWithNone.rssMiB)} with none pending,` +
      ` ${mib(t.memoryWithPending.rssMiB)} with ${n(t.pending)} (${growth >= 0 ? '+' : ''}${mib(growth)});` +
      ` peaks ${mib(t.memoryWithNone.peakMiB)} and ${mib(t.memoryWithPending.peakMiB)}`,
  ];
}

export function formatReport(f: Figures): string {
  const { js, jsChunked, jsLazy, pg, smtp } = f.floors;
  const { ingest, intake, pipeline } = f.ours;
  const measuredAim = pipeline.count >= AIM_RECEIVABLES;
  const aimSeconds = measuredAim ? pipeline.seconds : AIM_RECEIVABLES / pipeline.perSecond;
  const halfJs = jsChunked.perSecond / 2;
  const higher = higherRate(pg, f.floors.pgBeforePipeline);
  return [
    ...header(f),
    'raw floors (same servers, same run):',
    line('JetStream publish+ack, one receivable/message', js),
    line('JetStream publish+ack, chunks like our ingest', jsChunked),
    line('  per message, default fsync every 2 min', jsLazy),
    `  sync_interval: always publishes single messages at ${pct(js.perSecond / jsLazy.perSecond)} of the lazy-fsync rate`,
    line('Postgres multi-row INSERT (receivable rows)', pg, undefined, 'receivable'),
    line('SMTP, nodemailer pool of 5 to the sink', smtp),
    ...peerLines(f),
    'ours, each phase alone:',
    line('ingest: bulk NDJSON accepted (HTTP 202)', ingest, {
      name: 'chunked JetStream floor',
      rate: jsChunked,
    }),
    `    = ${pct(ingest.perSecond / js.perSecond)} of the one-receivable-per-message JetStream floor`,
    line(
      'intake: stored + classified + scheduled',
      intake,
      { name: 'Postgres floor', rate: pg },
      'receivable',
    ),
    ...dispatchLines(f),
    'ours, ingest and intake at once (an ingress pod and an intake pod on this machine):',
    line('Postgres floor right before the pipeline', f.floors.pgBeforePipeline, undefined, 'receivable'),
    line(
      'pipeline: posted -> stored, classified, scheduled',
      pipeline,
      {
        name: `the higher Postgres floor of the run (${higher === pg ? 'at its start' : 'right before the pipeline'})`,
        rate: higher,
      },
      'receivable',
    ),
    `    = ${pct(pipeline.perSecond / f.floors.pgBeforePipeline.perSecond)} of the floor right before it,` +
      ` ${pct(pipeline.perSecond / pg.perSecond)} of the floor at the start of the run`,
    `2.4 million receivables accepted, classified and scheduled (${measuredAim ? 'measured' : `estimated from the pipeline of ${n(pipeline.count)}`}):`,
    `  ${minutes(aimSeconds)} against the ${minutes(AIM_SECONDS)} aim` +
      ` (${aimSeconds <= AIM_SECONDS ? 'within' : `${(aimSeconds / AIM_SECONDS).toFixed(2)}× over`}; needs ${n(AIM_RECEIVABLES / AIM_SECONDS)}/s).`,
    `  ingest ${n(ingest.perSecond)}/s vs half the raw JetStream rate: ${pct(ingest.perSecond / (js.perSecond / 2))} of half the` +
      ` one-per-message rate (${n(js.perSecond / 2)}/s), ${pct(ingest.perSecond / halfJs)} of half the chunked rate (${n(halfJs)}/s).`,
    ...timerLines(f.timers),
    '',
  ].join('\n');
}
