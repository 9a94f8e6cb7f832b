import { describe, expect, it } from 'vitest';
import { figuresLine, ratiosOf } from './figures-json.js';
import type { Figures } from './report.js';

const r = (count: number, seconds: number) => ({ count, seconds, perSecond: count / seconds });
const peer = (name: string, count: number, seconds: number) => ({
  name,
  version: '1.0.0',
  settings: 'defaults',
  htmlBytes: 4_800,
  ...r(count, seconds),
});

const figures: Figures = {
  meta: {
    date: '2026-12-03T08:00:00.000Z',
    commit: 'abc',
    dirty: false,
    node: 'v24.22.3',
    cpus: 2,
    cpuModel: 'test cpu',
    memoryGiB: 24,
    durability: {
      postgres: { fsync: 'on', synchronousCommit: 'on' },
      jetstream: { syncInterval: 'always' },
    },
  },
  options: { receivables: 1000, pipeline: 1000, mails: 800, dispatchPods: 1, timers: 0 },
  floors: {
    js: r(1000, 0.25),
    jsChunked: r(100_000, 0.2),
    jsLazy: r(1000, 0.05),
    pg: r(1000, 0.04),
    smtp: r(800, 1),
    pgBeforePipeline: r(1000, 0.0625),
  },
  peers: { graphileWorker: peer('graphile-worker', 800, 2), pgBoss: peer('pg-boss', 800, 1.6) },
  ours: { ingest: r(1000, 0.01), intake: r(1000, 0.2), dispatch: r(800, 1.25), pipeline: r(1000, 0.25) },
};

describe('the bench JSON line', () => {
  it('is one newline-terminated line of JSON', () => {
    const text = figuresLine(figures);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('holds the run metadata, the floors, the peers under `peers`, ours and the ratios', () => {
    const line = JSON.parse(figuresLine(figures));
    expect(Object.keys(line).sort()).toEqual(['floors', 'meta', 'options', 'ours', 'peers', 'ratios']);
    expect(line.meta.durability).toEqual({
      postgres: { fsync: 'on', synchronousCommit: 'on' },
      jetstream: { syncInterval: 'always' },
    });
    expect(Object.keys(line.floors).sort()).toEqual([
      'js',
      'jsChunked',
      'jsLazy',
      'pg',
      'pgBeforePipeline',
      'smtp',
    ]);
    expect(Object.keys(line.ours).sort()).toEqual(['dispatch', 'ingest', 'intake', 'pipeline']);
    expect(line.peers.pgBoss).toMatchObject({ name: 'pg-boss', count: 800, perSecond: 500 });
    expect(line.ours.dispatch).toEqual({ count: 800, seconds: 1.25, perSecond: 640 });
  });

  it('gives each ratio of ours to its floor and to every peer', () => {
    const ratios = ratiosOf(figures);
    expect(ratios.dispatchOfSmtp).toBeCloseTo(0.8);
    expect(ratios.intakeOfPostgres).toBeCloseTo(0.2);
    // 4,000 a second against the floor of 16,000 right before the pipeline, 25,000 at the start: the
    // verdict is against the higher of the two.
    expect(ratios.pipelineOfPostgres).toBeCloseTo(0.16);
    expect(ratios.pipelineOfPostgresBeforePipeline).toBeCloseTo(0.25);
    expect(ratios.pipelineOfPostgresAtStart).toBeCloseTo(0.16);
    const slowStart = { ...figures, floors: { ...figures.floors, pg: r(1000, 0.1) } };
    expect(ratiosOf(slowStart).pipelineOfPostgres).toBeCloseTo(0.25);
    expect(ratios.ingestOfJetStreamChunked).toBeCloseTo(0.2);
    expect(ratios.ingestOfJetStreamPerMessage).toBeCloseTo(25);
    expect(ratios.peersOfSmtp).toEqual({ graphileWorker: 0.5, pgBoss: 0.625 });
    expect(ratios.dispatchToPeers.graphileWorker).toBeCloseTo(1.6);
    expect(ratios.dispatchToPeers.pgBoss).toBeCloseTo(1.28);
    expect(ratios.dispatchToFastestPeer).toBeCloseTo(1.28);
  });

  it('leaves out the fastest-peer ratio when no peer ran', () => {
    const ratios = ratiosOf({ ...figures, peers: {} });
    expect(ratios.dispatchToPeers).toEqual({});
    expect(ratios).not.toHaveProperty('dispatchToFastestPeer');
  });
});
