// The bench's one JSON line: every figure of a run (floors, peers under `peers`, ours, timers), the ratios
// the report prints, and the run's metadata, so a later run can be compared with it mechanically
// (`npm run bench | tail -1 | jq .ratios`). Ratios are plain fractions (0.6 = 60 %).
import type { BulkAs, FairnessFigures } from './fairness.js';
import { higherRate } from './rate.js';
import type { Figures } from './report.js';

export interface Ratios {
  /** Ours to the floor each is measured against. */
  ingestOfJetStreamChunked: number;
  ingestOfJetStreamPerMessage: number;
  intakeOfPostgres: number;
  dispatchOfSmtp: number;
  /**
   * To the higher of the run's two Postgres floors, the strict reading: a floor is one connection waiting on
   * each commit's fsync, and on a shared disk either of them can come out low (runs of 2026-12-07 04:20 to
   * 06:30 UTC gave this name to the ratio now called pipelineOfPostgresBeforePipeline).
   */
  pipelineOfPostgres: number;
  /** To the Postgres floor measured right before the pipeline. */
  pipelineOfPostgresBeforePipeline: number;
  /** To the Postgres floor at the start of the run, as runs before 2026-12-07 measured it. */
  pipelineOfPostgresAtStart: number;
  /** Each peer's drain to the SMTP floor, by the `peers` key. */
  peersOfSmtp: Record<string, number>;
  /** Our dispatch to each peer, by the `peers` key. */
  dispatchToPeers: Record<string, number>;
  /** Our dispatch to the fastest peer (absent without peers). */
  dispatchToFastestPeer?: number;
}

export interface FiguresLine extends Figures {
  ratios: Ratios;
}

const mapValues = <T>(o: Record<string, T>, f: (v: T) => number) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export function ratiosOf(f: Figures): Ratios {
  const { floors, ours, peers } = f;
  const fastest = Math.max(...Object.values(peers).map((p) => p.perSecond));
  return {
    ingestOfJetStreamChunked: ours.ingest.perSecond / floors.jsChunked.perSecond,
    ingestOfJetStreamPerMessage: ours.ingest.perSecond / floors.js.perSecond,
    intakeOfPostgres: ours.intake.perSecond / floors.pg.perSecond,
    dispatchOfSmtp: ours.dispatch.perSecond / floors.smtp.perSecond,
    pipelineOfPostgres: ours.pipeline.perSecond / higherRate(floors.pg, floors.pgBeforePipeline).perSecond,
    pipelineOfPostgresBeforePipeline: ours.pipeline.perSecond / floors.pgBeforePipeline.perSecond,
    pipelineOfPostgresAtStart: ours.pipeline.perSecond / floors.pg.perSecond,
    peersOfSmtp: mapValues(peers, (p) => p.perSecond / floors.smtp.perSecond),
    dispatchToPeers: mapValues(peers, (p) => ours.dispatch.perSecond / p.perSecond),
    ...(Object.keys(peers).length > 0 ? { dispatchToFastestPeer: ours.dispatch.perSecond / fastest } : {}),
  };
}

/** The run as one line of JSON, newline-terminated. */
export function figuresLine(f: Figures): string {
  const line: FiguresLine = { ...f, ratios: ratiosOf(f) };
  return `${JSON.stringify(line)}\n`;
}

/** `--fairness` runs only that scenario (bench/fairness.ts): its one JSON line. */
export interface FairnessLine {
  meta: Figures['meta'];
  options: { fairness: true; bulk: number; bulkAs: BulkAs; intervalMs: number; windowS: number };
  fairness: FairnessFigures;
}

export function fairnessLine(line: FairnessLine): string {
  return `${JSON.stringify(line)}\n`;
}
