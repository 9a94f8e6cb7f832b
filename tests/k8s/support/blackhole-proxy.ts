// A TCP proxy in front of the apiserver that can turn into a black hole: connections stay open but
// no byte gets through — the silent stall a NAT timeout or a dead load balancer produces, which no
// error or close ever reports.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface BlackholeProxy {
  port: number;
  /** While on, nothing is forwarded on any connection, old or new. */
  setBlackhole(on: boolean): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(target: { host: string; port: number }): Promise<BlackholeProxy> {
  let blackhole = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      if (!blackhole) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!blackhole) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    setBlackhole(on) {
      blackhole = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
