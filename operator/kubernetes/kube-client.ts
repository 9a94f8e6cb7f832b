// The operator's Kubernetes API client: JSON requests and watch streams by API path, on
// @kubernetes/client-node. Its KubeConfig authenticates each request (client certificates, tokens and
// token files, exec credential plugins, OIDC and the other auth providers) and sets up TLS, and its
// HTTP library sends the requests and opens the watch streams. What the operator relies on stays ours:
// one error with the apiserver's status and reason (KubeApiError, OST_ERR_KUBE_API), request timeouts,
// a connection kept for requests while every watch gets its own, and the reading of a watch stream.
// (client-node's Watch ends any watch that is quiet for 30 s, a limit it does not let us change; the
// apiserver sends a bookmark about once a minute, so a quiet street would restart its watches all the
// time. list-watch.ts supervises ours: watchdog, backoff, relist on 410 Gone.)
// Only operator/kubernetes imports client-node (.dependency-cruiser.cjs: kube-client-boundary).

import {
  type HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from '@kubernetes/client-node';
import { OutputstraatError } from '../../core/errors/index.js';
import { type KubeConnection, kubeConfigAt } from './kube-config.js';

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

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

export class KubeClient {
  /** The kubeconfig, pointed at `connection.server`. */
  private readonly config: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  /** The connection pool for requests (each watch gets its own), made with the first credentials. */
  private dispatcher: Dispatcher;
  private dispatcherReady = false;

  constructor(readonly connection: KubeConnection) {
    this.config = kubeConfigAt(connection);
  }

  get server(): string {
    return this.connection.server;
  }

  close(): void {
    void this.dispatcher?.destroy().catch(() => undefined);
    this.dispatcher = undefined;
    this.dispatcherReady = false;
  }

  /** Destroys the pool `ctx` went out on, if it is still the client's, so the next request makes a new one. */
  private dropConnection(ctx: RequestContext): void {
    if (!this.dispatcherReady || ctx.getDispatcher() !== this.dispatcher) return;
    this.close();
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

  async request<T>(method: HttpMethod, path: string, o: RequestOptionsLite = {}): Promise<T> {
    const timeoutMs = o.timeoutMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const ctx = await this.context(
        method,
        path,
        o,
        o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
      );
      if (!this.dispatcherReady) {
        this.dispatcher = ctx.getDispatcher();
        this.dispatcherReady = true;
      }
      if (this.dispatcher) ctx.setDispatcher(this.dispatcher);
      let status: number;
      let text: string;
      try {
        const res = await this.http.send(ctx).toPromise();
        status = res.httpStatusCode;
        text = await res.body.text();
      } catch (err) {
        // No answer on the pooled connection: it may be dead (a TLS record lost on the way, a session
        // the peer reset, a NAT that dropped it), and the pool would hand the same broken session to
        // every later request ("The session has been destroyed"). The next request opens a fresh one.
        this.dropConnection(ctx);
        if (o.signal?.aborted) throw err;
        if (timeout.aborted)
          throw new Error(`${method} ${path} timed out after ${timeoutMs} ms`, { cause: err });
        throw transportError(method, path, err);
      }
      // Rejected credentials may have expired with the connection made from them (a client
      // certificate from an exec plugin): once more on a connection made with fresh ones.
      if (status === 401 && attempt === 1) {
        void this.dispatcher?.close().catch(() => undefined); // after the requests still on it
        this.dispatcher = undefined;
        this.dispatcherReady = false;
        continue;
      }
      if (status >= 300) throw apiError(status, text);
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

  /**
   * Streams a watch on a connection of its own: calls `onEvent` for every event and resolves when the
   * server ends the stream; rejects on an HTTP error (a KubeApiError), a broken connection or when
   * `signal` aborts. Timeouts are the caller's: list-watch.ts restarts a watch that went quiet.
   */
  async watch(
    path: string,
    query: RequestOptionsLite['query'],
    onEvent: WatchEventHandler,
    signal: AbortSignal,
  ): Promise<void> {
    const ctx = await this.context('GET', path, { query: { ...query, watch: true } }, signal);
    const dispatcher = ctx.getDispatcher();
    try {
      const res = await this.http.send(ctx).toPromise();
      if (res.httpStatusCode !== 200) throw apiError(res.httpStatusCode, await res.body.text());
      const stream = res.body.stream();
      if (!stream) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of stream) {
        buffer += decoder.decode(chunk, { stream: true });
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
      }
    } catch (err) {
      if (err instanceof KubeApiError || signal.aborted) throw err;
      throw transportError('watch', path, err);
    } finally {
      void dispatcher?.destroy().catch(() => undefined);
    }
  }

  /**
   * A request to `path` with fresh credentials: client-node applies the kubeconfig's (re-reading
   * token files, running an exec plugin when its credential expired) and makes a connection pool
   * with its TLS settings, which a watch uses and a request swaps for the client's own.
   */
  private async context(
    method: HttpMethod,
    path: string,
    o: RequestOptionsLite,
    signal: AbortSignal,
  ): Promise<RequestContext> {
    const url = new URL(this.connection.server + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method);
    ctx.setHeaderParam('Accept', 'application/json');
    if (o.body !== undefined) {
      ctx.setHeaderParam('Content-Type', o.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(o.body));
    }
    ctx.setSignal(signal);
    try {
      await this.config.applySecurityAuthentication(ctx);
    } catch (err) {
      throw new Error(`${method} ${path}: the kubeconfig's credentials failed: ${causeOf(err)}`, {
        cause: err,
      });
    }
    return ctx;
  }
}

/** The innermost message of a transport error (undici's `fetch failed` names its cause). */
function causeOf(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return e?.message ?? String(err);
}

function transportError(what: string, path: string, err: unknown): Error {
  return new Error(`${what} ${path} failed: ${causeOf(err)}`, { cause: err });
}

function apiError(status: number, text: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeApiError(status, s.reason, s.message ?? `HTTP ${status}`);
  } catch {
    return new KubeApiError(status, undefined, text.slice(0, 300) || `HTTP ${status}`);
  }
}
