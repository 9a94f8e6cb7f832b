import {
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { createError } from '../../core/errors/index.js';
import { ensureBundleBucket } from './bundle-bucket.js';
import { findStream, isJetStreamApiError } from './find-stream.js';
import { DISPATCH_SUBJECTS, EVENT_SUBJECTS, INTAKE_SUBJECTS } from './subjects.js';

export const INTAKE_STREAM = 'OST_INTAKE';
export const DISPATCH_STREAM = 'OST_DISPATCH';
export const EVENTS_STREAM = 'OST_EVENTS';

/**
 * JetStream drops a publish whose msgID it saw within this window. It covers the publisher's own retry
 * after a lost PubAck (timeout, NATS restart or leader change mid-publish) and an ERP re-posting the same
 * receivable after a timeout or 503: both happen within minutes. Later repeats are caught by Postgres
 * (receivables unique (corporation, external_id), steps.dedupe_key).
 */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

const DAY_MS = 24 * 60 * 60_000;

export interface StreamSpec {
  name: string;
  subjects: string[];
  retention: RetentionPolicy;
  maxAgeMs: number;
  description: string;
}

export const STREAMS: readonly StreamSpec[] = [
  {
    name: INTAKE_STREAM,
    subjects: [INTAKE_SUBJECTS],
    retention: RetentionPolicy.Workqueue,
    // Accepted receivables wait here until a worker stores them; a week covers any outage worth surviving.
    maxAgeMs: 7 * DAY_MS,
    description: 'Receivables, payments and status changes accepted by the ingress, until stored',
  },
  {
    name: DISPATCH_STREAM,
    subjects: [DISPATCH_SUBJECTS],
    retention: RetentionPolicy.Workqueue,
    // The step row in Postgres is the truth; a send older than this is stale and gets rescheduled there.
    maxAgeMs: 2 * DAY_MS,
    description: 'Messages ready for a channel adapter',
  },
  {
    name: EVENTS_STREAM,
    subjects: [EVENT_SUBJECTS],
    retention: RetentionPolicy.Limits,
    // Fan-out to webhooks and projections; the ERP's durable feed is the Postgres events table.
    maxAgeMs: 30 * DAY_MS,
    description: 'Domain events per corporation',
  },
];

export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

export interface EnsureStreamsOptions {
  /** Replicas per stream: 1 for a single server, 3 in a cluster. */
  replicas?: number;
  log?: Logger;
}

/** Creates or updates the runtime's streams and the bundle KV bucket; every replica may call it at start. */
export async function ensureStreams(
  jsm: JetStreamManager,
  options: EnsureStreamsOptions = {},
): Promise<Record<string, EnsureOutcome>> {
  const replicas = options.replicas ?? 1;
  const outcomes: Record<string, EnsureOutcome> = {};
  for (const spec of STREAMS) {
    outcomes[spec.name] = await ensureStream(jsm, toConfig(spec, replicas));
  }
  const bucket = await ensureBundleBucket(jsm, { replicas });
  outcomes[bucket.stream] = bucket.outcome;
  options.log?.info({ streams: outcomes }, 'JetStream streams ready');
  return outcomes;
}

function toConfig(spec: StreamSpec, replicas: number) {
  return {
    name: spec.name,
    description: spec.description,
    subjects: spec.subjects,
    retention: spec.retention,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas,
  } satisfies Partial<StreamConfig>;
}

type WantedStream = ReturnType<typeof toConfig>;

async function ensureStream(jsm: JetStreamManager, want: WantedStream): Promise<EnsureOutcome> {
  try {
    const have = await findStream(jsm, want.name);
    if (!have) {
      try {
        await jsm.streams.add(want);
        return 'created';
      } catch (err) {
        // Another replica created it between our info and add, with a config this one now reconciles.
        if (!isJetStreamApiError(err, STREAM_NAME_IN_USE)) throw err;
      }
    }
    const current = have ?? (await jsm.streams.info(want.name));
    return await reconcile(jsm, current, want);
  } catch (cause) {
    if (isJetStreamApiError(cause)) {
      throw createError('OST_ERR_BUS', [`cannot create or update stream ${want.name}: ${cause.message}`], {
        cause,
      });
    }
    throw cause;
  }
}

async function reconcile(jsm: JetStreamManager, have: StreamInfo, want: WantedStream) {
  const config = have.config;
  if (config.retention !== want.retention || config.storage !== want.storage) {
    throw createError('OST_ERR_CONFIG', [
      `stream ${want.name} exists with ${config.retention}/${config.storage}, wanted ${want.retention}/${want.storage}`,
      'retention and storage cannot change in place: drain the stream, delete it (nats stream rm) and restart',
    ]);
  }
  const same =
    config.subjects.join() === want.subjects.join() &&
    config.max_age === want.max_age &&
    config.duplicate_window === want.duplicate_window &&
    config.discard === want.discard &&
    config.num_replicas === want.num_replicas &&
    config.description === want.description;
  if (same) return 'unchanged';
  const { name, retention: _retention, storage: _storage, ...updatable } = want;
  await jsm.streams.update(name, updatable);
  return 'updated';
}

/** JetStream API error code for "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;
