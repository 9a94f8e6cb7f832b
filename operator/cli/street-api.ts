// The one HTTP client of the CLI's street-talking commands: a running runtime's /v1 API with the
// corporation's ERP API key. The CLI never imports the runtime; it speaks to it like the ERP does.
// Every answer that is not 2xx becomes an error with the registry code the runtime sent (exit 1); a
// runtime that cannot be reached, or something that is not a runtime, is OST_ERR_CLI_REQUEST (exit 2).
import { createError } from '../../core/errors/index.js';
import type { Connection } from './cli-config.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: string | Uint8Array;
  contentType?: string;
  /** Statuses returned as answers instead of thrown (e.g. 404 for "does this street offer the route"). */
  accept?: readonly number[];
  timeoutMs?: number;
}

/** An error answer of the runtime, printed by reportError as `error <code> <message>`. */
export class StreetApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** True when a 404 is the router's (no such route on this street), not the route's (no such thing). */
export function isMissingRoute(answer: ApiAnswer, method: string): boolean {
  const message = (answer.body as { message?: unknown } | undefined)?.message;
  return (
    answer.status === 404 && typeof message === 'string' && message.startsWith(`${method.toUpperCase()} /`)
  );
}

export class StreetApi {
  constructor(
    readonly connection: Connection,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  get server(): string {
    return this.connection.server;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer> {
    const res = await this.send(method, path, options, 'application/json');
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw createError('OST_ERR_CLI_REQUEST', [
        this.server,
        `${method} ${path} answered ${res.status} without JSON; is ${this.connection.from} the Outputstraat runtime's API?`,
      ]);
    }
    if (res.ok || options.accept?.includes(res.status)) return { status: res.status, body };
    throw answerError(res.status, body, this.connection.from);
  }

  /** The bytes of a 2xx answer of type `accept` (e.g. a ZIP); an error answer is thrown as by request(). */
  async bytes(path: string, accept: string, options: RequestOptions = {}): Promise<Buffer> {
    const res = await this.send('GET', path, options, `${accept}, application/json`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.ok && res.headers.get('content-type')?.startsWith(accept)) return body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw createError('OST_ERR_CLI_REQUEST', [
        this.server,
        `GET ${path} answered ${res.status} without ${accept}; is ${this.connection.from} the Outputstraat runtime's API?`,
      ]);
    }
    throw answerError(res.status, parsed, this.connection.from);
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    accept: string,
  ): Promise<Response> {
    const url = new URL(`${this.server}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.apiKey}`,
          accept,
          ...(options.contentType ? { 'content-type': options.contentType } : {}),
        },
        ...(options.body !== undefined ? { body: options.body, duplex: 'half' } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
      } as RequestInit);
    } catch (cause) {
      throw createError(
        'OST_ERR_CLI_REQUEST',
        [this.server, reasonOf(cause, options.timeoutMs ?? this.timeoutMs)],
        {
          cause,
        },
      );
    }
    return res;
  }

  /** The streamed body of a 2xx answer of type `accept` (NDJSON exports); an error answer is thrown. */
  async stream(
    path: string,
    accept: string,
    options: RequestOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const res = await this.send('GET', path, options, `${accept}, application/json`);
    if (res.ok && res.body && res.headers.get('content-type')?.startsWith(accept)) return res.body;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw createError('OST_ERR_CLI_REQUEST', [
        this.server,
        `GET ${path} answered ${res.status} without ${accept}; is ${this.connection.from} the Outputstraat runtime's API?`,
      ]);
    }
    throw answerError(res.status, parsed, this.connection.from);
  }

  /** The JSON body of a 2xx answer. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request(method, path, options)).body as T;
  }
}

function reasonOf(cause: unknown, timeoutMs: number): string {
  if ((cause as Error)?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? (cause as Error).message;
}

function answerError(status: number, body: unknown, from: string): StreetApiError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; hint?: unknown };
  const code = typeof b.code === 'string' ? b.code : `HTTP_${status}`;
  const message = typeof b.message === 'string' ? b.message : `the runtime answered ${status}`;
  if (status === 401) {
    return new StreetApiError(
      code,
      `the API key is refused: ${message}; check --api-key (or OUTPUTSTRAAT_API_KEY, or the context's apiKey) is this corporation's ERP key for ${from}`,
      status,
      body,
    );
  }
  return new StreetApiError(code, message, status, body);
}
