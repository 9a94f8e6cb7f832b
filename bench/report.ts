import { cpus } from 'node:os';
import type { Rate } from './rate.js';

export interface Figures {
  receivables: number;
  mails: number;
  js: Rate;
  jsChunked: Rate;
  jsLazy: Rate;
  pg: Rate;
  smtp: Rate;
  ingest: Rate;
  intake: Rate;
  dispatch: Rate;
  dispatchPods: number;
  /** Ingest and intake at once, first byte to last case. */
  pipeline: Rate;
}

const AIM_RECEIVABLES = 2_400_000;
const AIM_SECONDS = 600;

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

export function formatReport(f: Figures): string {
  const line = (label: string, r: Rate, floor?: { name: string; rate: Rate }) =>
    `  ${label.padEnd(44)} ${n(r.perSecond).padStart(8)}/s  (${n(r.count)} in ${r.seconds.toFixed(1)} s)` +
    (floor ? `  = ${pct(r.perSecond / floor.rate.perSecond)} of ${floor.name}` : '');
  const measuredAim = f.pipeline.count >= AIM_RECEIVABLES;
  const aimSeconds = measuredAim ? f.pipeline.seconds : AIM_RECEIVABLES / f.pipeline.perSecond;
  const halfJs = f.jsChunked.perSecond / 2;
  return [
    '',
    `Outputstraat bench — ${cpus().length} cores, ${new Date().toISOString()}`,
    'raw floors (same servers, same run):',
    line('JetStream publish+ack, one receivable/message', f.js),
    line('JetStream publish+ack, chunks like our ingest', f.jsChunked),
    line('  per message, default fsync every 2 min', f.jsLazy),
    `  sync_interval: always publishes single messages at ${pct(f.js.perSecond / f.jsLazy.perSecond)} of the lazy-fsync rate`,
    line('Postgres multi-row INSERT (receivable rows)', f.pg),
    line('SMTP, nodemailer pool of 5 to the sink', f.smtp),
    'ours, each phase alone:',
    line('ingest: bulk NDJSON accepted (HTTP 202)', f.ingest, {
      name: 'chunked JetStream floor',
      rate: f.jsChunked,
    }),
    `    = ${pct(f.ingest.perSecond / f.js.perSecond)} of the one-receivable-per-message JetStream floor`,
    line('intake: stored + classified + scheduled', f.intake, { name: 'Postgres floor', rate: f.pg }),
    line(
      `dispatch: due sends handed to SMTP (${f.dispatchPods} pod${f.dispatchPods === 1 ? '' : 's'})`,
      f.dispatch,
      {
        name: 'SMTP floor',
        rate: f.smtp,
      },
    ),
    'ours, ingest and intake at once (an ingress pod and an intake pod on this machine):',
    line('pipeline: posted -> stored, classified, scheduled', f.pipeline, {
      name: 'Postgres floor',
      rate: f.pg,
    }),
    `2.4 million receivables accepted, classified and scheduled (${measuredAim ? 'measured' : `estimated from the pipeline of ${n(f.pipeline.count)}`}):`,
    `  ${minutes(aimSeconds)} against the ${minutes(AIM_SECONDS)} aim` +
      ` (${aimSeconds <= AIM_SECONDS ? 'within' : `${(aimSeconds / AIM_SECONDS).toFixed(1)}× over`}; needs ${n(AIM_RECEIVABLES / AIM_SECONDS)}/s).`,
    `  ingest ${n(f.ingest.perSecond)}/s vs half the raw JetStream rate: ${pct(f.ingest.perSecond / (f.js.perSecond / 2))} of half the` +
      ` one-per-message rate (${n(f.js.perSecond / 2)}/s), ${pct(f.ingest.perSecond / halfJs)} of half the chunked rate (${n(halfJs)}/s).`,
    '',
  ].join('\n');
}
