// Runtime settings from the environment (twelve-factor); secrets come only from env or mounted Secrets.
import { hostname } from 'node:os';
import { createError } from '../../core/errors/index.js';
import type { NatsSecurity } from '../bus/index.js';
import { natsOptionsFromEnv } from './nats-options.js';

export interface RuntimeSettings {
  databaseUrl: string;
  natsUrl: string;
  /** NATS credentials and TLS (NATS_USER, NATS_NKEY_SEED_FILE, NATS_TLS_CA_FILE …); none when absent. */
  nats?: NatsSecurity;
  host: string;
  port: number;
  /** Public base URL of this runtime, for links when a corporation has no paymentHost. */
  publicUrl: string;
  /** Identity of this replica in claims and logs. */
  instanceId: string;
  /** OST_LINK_SECRET: the key link tokens are derived from; required to start (docs/pages.md). */
  linkSecret?: string | undefined;
  /** Development and tests only: deliver every SMTP channel to this host:port instead of its relay. */
  smtpRedirect: { host: string; port: number } | undefined;
  schedulerIntervalMs: number;
  /** How long a claimed step may stay unfinished before another replica recovers it. */
  claimLeaseMs: number;
  // The tuning below is optional so code that builds settings by hand keeps working; see SETTING_DEFAULTS.
  /** Which workers this process runs (default all): intake, scheduler, dispatch. */
  workers?: readonly Worker[];
  /** Accepted receivables stored per transaction by the intake worker. */
  intakeBatchSize?: number;
  /** Intake batches in progress at once in this process. */
  intakeConcurrency?: number;
  /** Sends in progress at once per channel type in this process (email: dispatchConcurrencyEmail). */
  dispatchConcurrency?: number;
  /**
   * Emails in progress at once in this process: prepared, waiting for one of the relay's connections,
   * handed over or being recorded (what a killed pod can have handed over unrecorded). Deeper than the
   * other types' because the relay's few connections (spec.smtp.maxConnections) need a full line.
   */
  dispatchConcurrencyEmail?: number;
  /** Most sends prepared together in one transaction (runtime/dispatch/prepare-group.ts); 1: one by one. */
  dispatchGroup?: number;
  /** The scheduler queues no more sends while this many are queued and not finished. */
  dispatchMaxQueued?: number;
  /** The scheduler queues no more sends while this many wait for a dispatcher to take them. */
  dispatchMaxWaiting?: number;
  /** A send queued on JetStream this long without a dispatcher finishing it is queued again. */
  dispatchLeaseMs?: number;
  /** How often the sampled gauges (open cases, due steps, consumer lag) are refreshed. */
  metricsSampleMs?: number;
  /** How often the outcome gauges (docs/outcomes.md) are recomputed; their SQL reads 90 days of dossiers. */
  outcomeSampleMs?: number;
  /** How often experiments' allocations (bandit shares, guardrail stops) are recomputed; 0: never. */
  experimentSweepMs?: number;
  /** The internal port (/metrics, /openapi.json, /healthz, /readyz): bind address and port (0: any free). */
  metricsHost?: string;
  metricsPort?: number;
  /** Deliveries an intake or dispatch message that keeps failing gets before it is a dead letter. */
  maxDeliver?: number;
  /** The wait before a failed message's second delivery; it doubles per delivery, up to 5 minutes. */
  redeliveryDelayMs?: number;
  /** Replicas of each JetStream stream and the bundle bucket: 1 on a single server, 3 in a cluster. */
  streamReplicas?: number;
}

export const WORKERS = ['intake', 'scheduler', 'dispatch'] as const;

export const SETTING_DEFAULTS = {
  workers: WORKERS as readonly Worker[],
  intakeBatchSize: 1_000,
  intakeConcurrency: 5,
  dispatchConcurrency: 64,
  dispatchConcurrencyEmail: 256,
  dispatchGroup: 32,
  dispatchMaxQueued: 500,
  dispatchMaxWaiting: 128,
  dispatchLeaseMs: 300_000,
  metricsSampleMs: 15_000,
  outcomeSampleMs: 300_000,
  experimentSweepMs: 60_000,
  metricsHost: '0.0.0.0',
  metricsPort: 9464,
  maxDeliver: 6,
  redeliveryDelayMs: 2_000,
  streamReplicas: 1,
} satisfies Partial<RuntimeSettings>;
export type Worker = (typeof WORKERS)[number];

function workersOf(value: string | undefined): readonly Worker[] {
  if (value === undefined || value.trim() === '') return WORKERS;
  if (value.trim() === 'none') return [];
  const names = value.split(',').map((w) => w.trim());
  for (const name of names) {
    if (!(WORKERS as readonly string[]).includes(name)) {
      throw createError('OST_ERR_CONFIG', [
        `OST_WORKERS names an unknown worker "${name}"`,
        `use a comma-separated list of ${WORKERS.join(', ')}, or none`,
      ]);
    }
  }
  return names as Worker[];
}

/** A whole number >= 1 from the environment, or the fallback when unset; anything else is a config error. */
export function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw createError('OST_ERR_CONFIG', [
      `${name}=${raw} is not a whole number >= 1`,
      `unset ${name} or fix it`,
    ]);
  }
  return value;
}

function tcpPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > 65_535) {
    throw createError('OST_ERR_CONFIG', [`${name}=${raw} is not a TCP port`, `set ${name} to 1-65535`]);
  }
  return value;
}

/** JetStream keeps 1 to 5 copies of a stream. */
function replicas(env: NodeJS.ProcessEnv): number {
  const raw = env.OST_STREAM_REPLICAS;
  if (raw === undefined || raw === '') return SETTING_DEFAULTS.streamReplicas;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > 5) {
    throw createError('OST_ERR_CONFIG', [
      `OST_STREAM_REPLICAS=${raw} is not a number of replicas from 1 to 5`,
      'use 1 for a single nats-server, 3 for a three-node cluster',
    ]);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = env[name];
  if (!value) throw createError('OST_ERR_CONFIG', [`${name} is not set`, hint]);
  return value;
}

function hostPort(value: string | undefined, name: string): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const m = /^([^:]+):(\d+)$/.exec(value);
  if (!m)
    throw createError('OST_ERR_CONFIG', [
      `${name}=${value} is not host:port`,
      `set ${name} like 127.0.0.1:2525`,
    ]);
  return { host: m[1]!, port: Number(m[2]) };
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const port = Number(env.PORT ?? 8080);
  const host = env.HOST ?? '0.0.0.0';
  const metricsPort = tcpPort(env, 'METRICS_PORT', SETTING_DEFAULTS.metricsPort);
  if (metricsPort !== 0 && metricsPort === port) {
    throw createError('OST_ERR_CONFIG', [
      `METRICS_PORT=${metricsPort} is also PORT: the internal port must differ from the public one`,
      `set METRICS_PORT to another port (default ${SETTING_DEFAULTS.metricsPort})`,
    ]);
  }
  return {
    databaseUrl: required(env, 'DATABASE_URL', 'set DATABASE_URL=postgres://user@host:5432/db'),
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    nats: natsOptionsFromEnv(env),
    host,
    port,
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    instanceId: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    linkSecret: env.OST_LINK_SECRET,
    smtpRedirect: hostPort(env.OST_SMTP_REDIRECT, 'OST_SMTP_REDIRECT'),
    schedulerIntervalMs: Number(env.OST_SCHEDULER_INTERVAL_MS ?? 250),
    claimLeaseMs: Number(env.OST_CLAIM_LEASE_MS ?? 120_000),
    workers: workersOf(env.OST_WORKERS),
    intakeBatchSize: positive(env, 'OST_INTAKE_BATCH_SIZE', SETTING_DEFAULTS.intakeBatchSize),
    intakeConcurrency: positive(env, 'OST_INTAKE_CONCURRENCY', SETTING_DEFAULTS.intakeConcurrency),
    dispatchConcurrency: positive(env, 'OST_DISPATCH_CONCURRENCY', SETTING_DEFAULTS.dispatchConcurrency),
    dispatchConcurrencyEmail: positive(
      env,
      'OST_DISPATCH_CONCURRENCY_EMAIL',
      SETTING_DEFAULTS.dispatchConcurrencyEmail,
    ),
    dispatchGroup: positive(env, 'OST_DISPATCH_GROUP', SETTING_DEFAULTS.dispatchGroup),
    dispatchMaxQueued: positive(env, 'OST_DISPATCH_MAX_QUEUED', SETTING_DEFAULTS.dispatchMaxQueued),
    dispatchMaxWaiting: positive(env, 'OST_DISPATCH_MAX_WAITING', SETTING_DEFAULTS.dispatchMaxWaiting),
    dispatchLeaseMs: positive(env, 'OST_DISPATCH_LEASE_MS', SETTING_DEFAULTS.dispatchLeaseMs),
    metricsSampleMs: positive(env, 'OST_METRICS_SAMPLE_MS', SETTING_DEFAULTS.metricsSampleMs),
    outcomeSampleMs: positive(env, 'OST_OUTCOME_SAMPLE_MS', SETTING_DEFAULTS.outcomeSampleMs),
    experimentSweepMs: Number(env.OST_EXPERIMENT_SWEEP_MS ?? SETTING_DEFAULTS.experimentSweepMs),
    metricsHost: env.METRICS_HOST || SETTING_DEFAULTS.metricsHost,
    metricsPort,
    maxDeliver: positive(env, 'OST_MAX_DELIVER', SETTING_DEFAULTS.maxDeliver),
    redeliveryDelayMs: positive(env, 'OST_REDELIVERY_DELAY_MS', SETTING_DEFAULTS.redeliveryDelayMs),
    streamReplicas: replicas(env),
  };
}
