import { connect, type NatsConnection, type Status } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { createError } from '../../core/errors/index.js';

export interface ConnectBusOptions {
  /** Client name shown in the server's monitoring, e.g. `outputstraat-runtime/<pod>`. */
  name: string;
  log: Logger;
  /** Milliseconds between reconnect attempts (default 2000). */
  reconnectTimeWait?: number;
  /** Keep retrying when the server is not up yet at start instead of failing (default false). */
  waitOnFirstConnect?: boolean;
}

/**
 * Connects to NATS (`url` may list several servers, comma separated). Once connected the client never
 * gives up reconnecting: JetStream publishes wait or fail per call while the server is away.
 */
export async function connectBus(url: string, options: ConnectBusOptions): Promise<NatsConnection> {
  const servers = url.split(',').map((server) => server.trim());
  const where = servers.map(describeNatsServer).join(',');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWait ?? 2_000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
    });
  } catch (cause) {
    throw createError('OST_ERR_BUS', [`cannot connect to ${where}`], { cause });
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
