import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Whether the server answers now: a round trip within `timeoutMs`. While the client is reconnecting the
 * connection is neither closed nor draining, so those flags alone would report a NATS outage as ready.
 */
export async function natsReady(nc: NatsConnection, timeoutMs = 1_000): Promise<boolean> {
  if (nc.isClosed() || nc.isDraining()) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([nc.rtt().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
