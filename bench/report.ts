import { cpus } from 'node:os';
import type { Rate } from './floors.js';

export interface Figures {
  receivables: number;
  mails: number;
  js: Rate;
  jsLazy: Rate;
  pg: Rate;
  smtp: Rate;
  ingest: Rate;
  intake: Rate;
  dispatch: Rate;
  full: boolean;
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
  const pipeline = Math.min(f.ingest.perSecond, f.intake.perSecond);
  const estimate = AIM_RECEIVABLES / pipeline;
  const halfJs = f.js.perSecond / 2;
  return [
    '',
    `Outputstraat bench — ${cpus().length} cores, ${new Date().toISOString()}`,
    'raw floors (same servers, same run):',
    line('JetStream publish+ack (file, sync always)', f.js),
    line('  same, default fsync every 2 min (not used)', f.jsLazy),
    `  sync_interval: always publishes at ${pct(f.js.perSecond / f.jsLazy.perSecond)} of the lazy-fsync rate`,
    line('Postgres multi-row INSERT (receivable rows)', f.pg),
    line('SMTP, nodemailer pool of 5 to the sink', f.smtp),
    'ours:',
    line('ingest: bulk NDJSON accepted (HTTP 202)', f.ingest, { name: 'JetStream floor', rate: f.js }),
    line('intake: stored + classified + scheduled', f.intake, { name: 'Postgres floor', rate: f.pg }),
    line('dispatch: due sends handed to SMTP', f.dispatch, { name: 'SMTP floor', rate: f.smtp }),
    `2.4 million receivables accepted, classified and scheduled (${f.full ? 'measured' : 'estimated from the rates above'}):`,
    `  ingest alone ${minutes(AIM_RECEIVABLES / f.ingest.perSecond)}, intake alone ${minutes(AIM_RECEIVABLES / f.intake.perSecond)};` +
      ` pipelined on separate cores ≈ ${minutes(estimate)} against the ${minutes(AIM_SECONDS)} aim` +
      ` (${estimate <= AIM_SECONDS ? 'within' : `${(estimate / AIM_SECONDS).toFixed(1)}× over`}; needs ${n(AIM_RECEIVABLES / AIM_SECONDS)}/s).`,
    `  ingest ${n(f.ingest.perSecond)}/s vs half the raw JetStream rate ${n(halfJs)}/s: ${pct(f.ingest.perSecond / halfJs)}.`,
    '',
  ].join('\n');
}
