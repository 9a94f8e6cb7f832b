// A small Kubernetes API client over node:https: JSON requests and watch streams, nothing generated.
// (@kubernetes/client-node 2.x loads undici 8, which needs Node ≥ 22.19 and fails to import on the
// Node 20 this project supports; the operator needs a handful of calls, so it makes them itself.)

import type { IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { OutputstraatError } from '../../core/errors/index.js';
import type { KubeConnection } from './kube-config.js';

/** An error answer of the apiserver: its HTTP status and its Status reason and message. */
export class KubeApiError extends OutputstraatError {
  constructor(
    /** The apiserver's HTTP status. */
    readonly status: number,
    /** The Status object's reason (NotFound, Conflict, Gone …). */
    readonly reason: string | undefined,
    message: string,
  ) {
    super('OST_ERR_KUBE_API', [status, reason ?? '', message]);
    this.name = 'KubeApiError';
  }
}

export const isKubeStatus = (err: unknown, status: number) =>
  err instanceof KubeApiError && err.status === status;

export type WatchEventHandler = (type: string, object: unknown) => void;

export interface RequestOptionsLite {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Milliseconds until the request is abandoned (default 30 s; watches have none). */
  timeoutMs?: number;
}

export class KubeClient {
  private readonly agent: Agent;
  /** Watches get their own connections: a long stream never holds, or stalls, a pooled request socket. */
  private readonly watchAgent: Agent;

  constructor(readonly connection: KubeConnection) {
    const tls = {
      ca: connection.ca,
      cert: connection.cert,
      key: connection.key,
      rejectUnauthorized: !connection.insecureSkipTlsVerify,
      servername: connection.tlsServerName,
    };
    this.agent = new Agent({ ...tls, keepAlive: true });
    this.watchAgent = new Agent({ ...tls, keepAlive: false });
  }

  get server(): string {
    return this.connection.server;
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  get<T>(path: string, options: RequestOptionsLite = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  /** JSON merge patch (RFC 7386). */
  mergePatch<T>(path: string, body: unknown, query?: RequestOptionsLite['query']): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: 'application/merge-patch+json', query });
  }

  async request<T>(method: string, path: string, o: RequestOptionsLite = {}): Promise<T> {
    const res = await this.send(method, path, o, o.timeoutMs ?? 30_000);
    const text = await readBody(res);
    if (res.statusCode! >= 300) throw apiError(res.statusCode!, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Streams a watch: calls `onEvent` for every event line and resolves when the server ends the
   * stream; rejects on an HTTP error (a KubeApiError), a broken connection or when `signal` aborts.
   */
  async watch(
    path: string,
    query: RequestOptionsLite['query'],
    onEvent: WatchEventHandler,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.send(
      'GET',
      path,
      { query: { ...query, watch: true }, signal },
      0,
      this.watchAgent,
    );
    if (res.statusCode !== 200) throw apiError(res.statusCode!, await readBody(res));
    res.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i).trim();
          buffer = buffer.slice(i + 1);
          if (!line) continue;
          let event: { type?: string; object?: unknown };
          try {
            event = JSON.parse(line);
          } catch {
            continue;
          }
          onEvent(String(event.type), event.object);
        }
      });
      res.once('end', resolve);
      res.once('error', reject);
      res.once('close', () => {
        if (!res.complete) reject(new Error('the watch connection closed before the stream ended'));
      });
    });
  }

  private send(
    method: string,
    path: string,
    o: RequestOptionsLite,
    timeoutMs: number,
    agent = this.agent,
  ): Promise<IncomingMessage> {
    const url = new URL(this.connection.server + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const token = this.connection.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const options: RequestOptions = { method, headers, agent };
    if (o.signal) options.signal = o.signal;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, options, resolve);
      req.once('error', reject);
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(new Error(`${method} ${url.pathname} timed out after ${timeoutMs} ms`)),
        );
      }
      req.end(body);
    });
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
    res.once('end', () => resolve(text));
    res.once('error', reject);
  });
}

function apiError(status: number, text: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeApiError(status, s.reason, s.message ?? `HTTP ${status}`);
  } catch {
    return new KubeApiError(status, undefined, text.slice(0, 300) || `HTTP ${status}`);
  }
}
