// Runtime settings from the environment (twelve-factor); secrets come only from env or mounted Secrets.
import { hostname } from 'node:os';
import { createError } from '../core/errors/index.js';

export interface RuntimeSettings {
  databaseUrl: string;
  natsUrl: string;
  host: string;
  port: number;
  /** Public base URL of this runtime, for links when a corporation has no paymentHost. */
  publicUrl: string;
  /** Identity of this replica in claims and logs. */
  instanceId: string;
  /** Development and tests only: deliver every SMTP channel to this host:port instead of its relay. */
  smtpRedirect: { host: string; port: number } | undefined;
  schedulerIntervalMs: number;
  /** How long a claimed step may stay unfinished before another replica recovers it. */
  claimLeaseMs: number;
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
  return {
    databaseUrl: required(env, 'DATABASE_URL', 'set DATABASE_URL=postgres://user@host:5432/db'),
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    host,
    port,
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    instanceId: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    smtpRedirect: hostPort(env.OST_SMTP_REDIRECT, 'OST_SMTP_REDIRECT'),
    schedulerIntervalMs: Number(env.OST_SCHEDULER_INTERVAL_MS ?? 250),
    claimLeaseMs: Number(env.OST_CLAIM_LEASE_MS ?? 120_000),
  };
}
