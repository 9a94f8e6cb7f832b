// An internal HTTP port, apart from any public one: /metrics for Prometheus, /healthz for liveness and
// /readyz for readiness (the operator: a follower is ready; a leader once its caches are filled), plus
// whatever other read-only documents a process keeps off its public port (the runtime's /openapi.json).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  port: number;
  /** http://<host>:<port>, with 127.0.0.1 for a server bound to every interface. */
  url: string;
  close(): Promise<void>;
}

/** A GET route of the internal port: its content type and a body made on each request. */
export interface InternalRoute {
  contentType: string;
  body(): string | Promise<string>;
}

export async function startMetricsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  ready: () => boolean | Promise<boolean>;
  /** More GET routes by path, e.g. `{ '/openapi.json': … }`. */
  routes?: Readonly<Record<string, InternalRoute>>;
}): Promise<MetricsServer> {
  const routes: Record<string, InternalRoute> = {
    ...options.routes,
    '/metrics': { contentType: options.registry.contentType, body: () => options.registry.metrics() },
    '/healthz': { contentType: 'text/plain', body: () => 'ok\n' },
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/readyz') {
      Promise.resolve()
        .then(options.ready)
        .catch(() => false)
        .then((ready) =>
          res
            .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
            .end(ready ? 'ok\n' : 'not ready\n'),
        );
    } else if (route) {
      Promise.resolve()
        .then(route.body)
        .then(
          (text) => res.writeHead(200, { 'content-type': route.contentType }).end(text),
          (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
        );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
