// What one request may cost a runtime: bytes per NDJSON line and per NDJSON request, and how long a
// client may take to send its headers, its whole request, or nothing at all. Read from the environment
// once per app (docs/operations.md and docs/erp-api.md give the defaults and why).
import { createError } from '../../core/errors/index.js';

export interface IngressLimits {
  /** OST_NDJSON_MAX_LINE_BYTES: one NDJSON line (one receivable). */
  ndjsonMaxLineBytes: number;
  /** OST_NDJSON_MAX_BODY_BYTES: one NDJSON request. */
  ndjsonMaxBodyBytes: number;
  /** OST_HTTP_REQUEST_TIMEOUT_MS: the whole request, headers and body, must have arrived by then. */
  requestTimeoutMs: number;
  /** OST_HTTP_HEADERS_TIMEOUT_MS: the headers must have arrived by then (slow-header clients). */
  headersTimeoutMs: number;
  /** OST_HTTP_IDLE_TIMEOUT_MS: a connection on which nothing moves for this long is closed. */
  idleTimeoutMs: number;
  /** OST_HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle keep-alive connection is kept this long for the next request. */
  keepAliveTimeoutMs: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const INGRESS_LIMIT_DEFAULTS: IngressLimits = {
  // The largest receivable the contract allows, every field at its longest in escaped UTF-8 with 36
  // payment history entries, is about 20 KiB; the rest leaves room for vars. Far below the 512 KiB
  // chunk and NATS's 1 MiB message.
  ndjsonMaxLineBytes: 64 * KiB,
  // Some 350,000 receivables of 700 bytes: more than a large corporation's whole month in one request,
  // while one request occupies a connection for at most about 20 s at the default line rate.
  ndjsonMaxBodyBytes: 256 * MiB,
  // Node's own default; at the default line rate a full 256 MiB request arrives in well under a minute.
  requestTimeoutMs: 5 * 60_000,
  headersTimeoutMs: 30_000,
  // Longer than any wait inside a request (a JetStream publish, the line budget), so a working request
  // is never cut off; a dead peer is.
  idleTimeoutMs: 2 * 60_000,
  // Longer than the usual load balancer idle timeout (60 s), so the balancer closes first, never us
  // in the middle of its next request.
  keepAliveTimeoutMs: 72_000,
};

const ENV: Record<keyof IngressLimits, string> = {
  ndjsonMaxLineBytes: 'OST_NDJSON_MAX_LINE_BYTES',
  ndjsonMaxBodyBytes: 'OST_NDJSON_MAX_BODY_BYTES',
  requestTimeoutMs: 'OST_HTTP_REQUEST_TIMEOUT_MS',
  headersTimeoutMs: 'OST_HTTP_HEADERS_TIMEOUT_MS',
  idleTimeoutMs: 'OST_HTTP_IDLE_TIMEOUT_MS',
  keepAliveTimeoutMs: 'OST_HTTP_KEEP_ALIVE_TIMEOUT_MS',
};

export function ingressLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): IngressLimits {
  const limits = { ...INGRESS_LIMIT_DEFAULTS };
  for (const key of Object.keys(ENV) as (keyof IngressLimits)[]) {
    const name = ENV[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw createError('OST_ERR_CONFIG', [
        `${name}=${raw} is not a whole number >= 1`,
        `unset ${name} (default ${INGRESS_LIMIT_DEFAULTS[key]}) or fix it`,
      ]);
    }
    limits[key] = value;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw createError('OST_ERR_CONFIG', [
      `OST_HTTP_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) is longer than OST_HTTP_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
      'the headers are part of the request: make the headers timeout the shorter one',
    ]);
  }
  return limits;
}
