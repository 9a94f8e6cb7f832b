import {
  type Authenticator,
  AuthorizationError,
  connect,
  type NatsConnection,
  type Status,
  TimeoutError,
  type TlsOptions,
} from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { createError, type OutputstraatError } from '../../core/errors/index.js';

/** How the client logs in and secures the connection (platform/settings/nats-options.ts reads it). */
export interface NatsSecurity {
  /** nats.js's own: usernamePasswordAuthenticator, nkeyAuthenticator or credsAuthenticator. */
  authenticator?: Authenticator;
  /** CA to verify the server with, and a client certificate for mutual TLS (files, read by nats.js). */
  tls?: Pick<TlsOptions, 'caFile' | 'certFile' | 'keyFile'>;
  /** The variables the login came from, named when the server refuses it: 'NATS_USER and NATS_PASSWORD'. */
  loginFrom?: string;
}

export interface ConnectBusOptions {
  /** Client name shown in the server's monitoring, e.g. `outputstraat-runtime/<pod>`. */
  name: string;
  log: Logger;
  /** Milliseconds between reconnect attempts (default 2000). */
  reconnectTimeWait?: number;
  /** Keep retrying when the server is not up yet at start instead of failing (default false). */
  waitOnFirstConnect?: boolean;
  /** Credentials and TLS; none by default. */
  security?: NatsSecurity;
}

/**
 * Connects to NATS (`url` may list several servers, comma separated). Once connected the client never
 * gives up reconnecting: JetStream publishes wait or fail per call while the server is away. A server
 * that refuses the login or the TLS handshake is an OST_ERR_BUS_AUTH that names the variable to fix.
 */
export async function connectBus(url: string, options: ConnectBusOptions): Promise<NatsConnection> {
  const servers = url.split(',').map((server) => server.trim());
  const where = servers.map(describeNatsServer).join(',');
  const security = options.security ?? {};
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWait ?? 2_000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      ...(security.authenticator ? { authenticator: security.authenticator } : {}),
      ...(security.tls ? { tls: security.tls } : {}),
    });
  } catch (cause) {
    throw connectError(where, security, cause);
  }
  const log = options.log;
  log.info({ server: describeNatsServer(nc.getServer()) }, 'connected to NATS');
  void logStatus(nc, log);
  void nc.closed().then((err) => {
    if (err) log.error({ err: { name: err.name, message: err.message } }, 'NATS connection closed by error');
    else log.info('NATS connection closed');
  });
  return nc;
}

/** What went wrong connecting, in the words of the variable to fix. */
function connectError(where: string, security: NatsSecurity, cause: unknown): OutputstraatError {
  const refused = (problem: string, hint: string) =>
    createError('OST_ERR_BUS_AUTH', [where, problem, hint], { cause });
  const code = (cause as { code?: unknown }).code;
  const message = (cause as Error).message ?? String(cause);
  if (cause instanceof AuthorizationError) {
    return security.loginFrom
      ? refused('it rejected the credentials (authorization violation)', `check ${security.loginFrom}`)
      : refused(
          'it requires credentials and none are set',
          'set NATS_USER and NATS_PASSWORD, NATS_NKEY_SEED_FILE or NATS_CREDS_FILE',
        );
  }
  if (typeof code === 'string' && /CERT|SIGNATURE|TLS|SSL/.test(code)) {
    return refused(
      `its TLS certificate cannot be verified (${message})`,
      'set NATS_TLS_CA_FILE to the CA that signed the server certificate',
    );
  }
  if (/does not support 'tls'/.test(message)) {
    return refused('it does not offer TLS', 'unset NATS_TLS_* or enable TLS on the server');
  }
  if (cause instanceof TimeoutError && security.tls && !security.tls.certFile) {
    return refused(
      'it closed the connection during the TLS handshake (timeout)',
      'if it requires client certificates, set NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE',
    );
  }
  return createError('OST_ERR_BUS', [`cannot connect to ${where}`], { cause });
}

async function logStatus(nc: NatsConnection, log: Logger) {
  for await (const status of nc.status()) logOne(status, log);
}

// Subjects and server addresses only: message payloads carry personal data and never reach the log.
function logOne(status: Status, log: Logger) {
  switch (status.type) {
    case 'disconnect':
      log.warn({ server: status.server }, 'NATS disconnected');
      break;
    case 'reconnecting':
      log.debug('NATS reconnecting');
      break;
    case 'reconnect':
      log.info({ server: status.server }, 'NATS reconnected');
      break;
    case 'ldm':
      log.warn({ server: status.server }, 'NATS server entering lame duck mode');
      break;
    case 'staleConnection':
      log.warn('NATS connection stale, reconnecting');
      break;
    case 'error':
      log.error({ err: { name: status.error.name, message: status.error.message } }, 'NATS server error');
      break;
    case 'slowConsumer':
      log.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'NATS slow consumer');
      break;
    default:
      break;
  }
}

/** `host:port` of a NATS URL, without credentials. */
export function describeNatsServer(server: string): string {
  try {
    const parsed = new URL(server.includes('://') ? server : `nats://${server}`);
    return `${parsed.hostname}:${parsed.port || '4222'}`;
  } catch {
    return 'an unparsable NATS URL';
  }
}
