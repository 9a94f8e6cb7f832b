// An inbound SMTP endpoint for delivery status notifications (off unless OST_BOUNCE_SMTP_PORT is set).
// Point the bounce address (envelope sender) of the corporations' mail, or the relay's DSN forwarding, at
// it. A DSN about one of our messages becomes a `bounced` (or `delivered`) event for that message; any
// other mail is accepted and dropped, and nothing is ever answered by mail (no backscatter).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../../platform/log.js';
import { parseDeliveryReport } from './delivery-status.js';
import { type MessageEventDeps, recordMessageEvent } from './message-events.js';

const MAX_BYTES = 10 * 1024 * 1024;

export interface BounceSmtpServer {
  port: number;
  close(): Promise<void>;
}

export async function handleDeliveryReport(deps: MessageEventDeps, raw: Buffer): Promise<boolean> {
  const report = await parseDeliveryReport(raw);
  if (!report || report.action === 'delayed') return false;
  return recordMessageEvent(deps, {
    messageId: report.messageId,
    type: report.action === 'delivered' ? 'delivered' : 'bounced',
    source: 'smtp-dsn',
    detail: {
      ...(report.status ? { status: report.status } : {}),
      ...(report.diagnostic ? { diagnostic: report.diagnostic } : {}),
    },
    now: new Date(),
  });
}

export async function startBounceSmtpServer(
  deps: MessageEventDeps,
  listen: { host: string; port: number },
  log: Logger,
): Promise<BounceSmtpServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_BYTES,
    logger: false,
    banner: 'Outputstraat delivery status intake',
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded)
          return callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
        handleDeliveryReport(deps, Buffer.concat(chunks)).then(
          (matched) => {
            if (!matched) log.debug('inbound mail was not a delivery report about one of our messages');
            callback();
          },
          (err: unknown) => {
            log.warn(
              { err: (err as Error).message },
              'delivery report could not be recorded; the sender retries',
            );
            callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  server.on('error', (err) => log.warn({ err: err.message }, 'bounce SMTP session error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  log.info({ port }, 'bounce SMTP endpoint listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
