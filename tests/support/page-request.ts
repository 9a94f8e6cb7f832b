// A debtor page request as a browser on a corporation's host would make it: the street has no DNS, so we
// connect to the loopback runtime and set the Host header. `from` picks the client's own loopback address
// (any 127.x.y.z on Linux), so a test can be several tenants at once without a proxy.
import { type IncomingHttpHeaders, request } from 'node:http';

export interface PageRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  lang?: string;
  /** Local address of the client, e.g. 127.0.0.12; default 127.0.0.1. */
  from?: string;
}

export interface PageResponse {
  status: number;
  body: string;
  /** The body as received (a PDF, an image). */
  bytes: Buffer;
  location: string | null;
  headers: IncomingHttpHeaders;
}

export function requestPage(
  port: number,
  host: string | undefined,
  path: string,
  init: PageRequest = {},
): Promise<PageResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        ...(init.from ? { localAddress: init.from } : {}),
        headers: {
          ...init.headers,
          host: host ? `${host}:${port}` : `127.0.0.1:${port}`,
          'accept-language': init.lang ?? 'nl-NL,nl;q=0.9',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            bytes: Buffer.concat(chunks),
            location: (res.headers.location as string | undefined) ?? null,
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A form POST body as a browser sends it. */
export const formPost = (values: Record<string, string>, extra: PageRequest = {}): PageRequest => ({
  ...extra,
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra.headers },
  body: new URLSearchParams(values).toString(),
});
