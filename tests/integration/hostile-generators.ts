// The hostile test driver's requests (fast-check): for any route of the runtime's route table, what an
// attacker or a broken ERP could send — hostile path ids and query strings, headers (Authorization,
// Content-Type, Host, X-Forwarded-*, Idempotency-Key, X-Request-Id), the bodies of hostile-bodies.ts,
// NDJSON mixing good and bad lines, debtor-page form posts, HTTP the parser refuses — each with what the
// answer must be. Every request is a no-op by construction: refused, or a repeat of what is stored.
import fc from 'fast-check';
import type { RouteEntry } from '../../runtime/api/route-table.js';
import { twilioSignature } from '../support/twilio-server.js';
import {
  type BodyRules,
  binaryText,
  brokenJson,
  headerText,
  hostileSegment,
  ndjson,
  patchRules,
  paymentRules,
  receivableRules,
  staffRules,
} from './hostile-bodies.js';
import {
  authFor,
  badForm,
  contentType,
  extraHeaders,
  hostFor,
  idempotencyKey,
  query,
} from './hostile-headers.js';
import type { HostileContext, RawRequest, Tenant } from './hostile-street.js';

export interface Hostile {
  route: string;
  req?: RawRequest;
  /** Bytes on a fresh connection instead of `req`: HTTP the runtime's parser refuses. */
  raw?: string;
  /** Must be answered 4xx. */
  mustReject: boolean;
  /** NDJSON with a known API key: the line numbers that must be rejected and how many must be accepted. */
  bulk?: { good: number; bad: number[] };
  /** A valid Idempotency-Key with a known API key on a POST: may add one idempotency_keys row. */
  keyed: boolean;
}

function rulesFor(entry: RouteEntry, ctx: HostileContext): BodyRules | undefined {
  const base = { ...ctx.a.receivable, externalId: 'FZ-NEW-1' };
  if (entry.url === '/v1/receivables') return receivableRules(base);
  if (entry.url === '/v1/receivables/:externalId' && entry.method === 'PATCH') return patchRules;
  if (entry.url.endsWith('/payments')) return paymentRules;
  if (entry.url === '/v1/forms/meter-readings' && entry.method === 'POST') return staffRules;
  return undefined;
}

interface Param {
  value: string;
  hostile: boolean;
}
const known = (...values: string[]) => fc.constantFrom(...values).map((value) => ({ value, hostile: false }));
const hostile = hostileSegment.map((value) => ({ value, hostile: true }));

function paramFor(name: string, ctx: HostileContext, url: string): fc.Arbitrary<Param> {
  const { a, b } = ctx;
  const token = fc.stringMatching(/^[A-Za-z0-9_-]{24}$/);
  const choices: Record<string, fc.Arbitrary<Param>> = {
    externalId: known(a.externalId, b.externalId, 'HA-SMS-1', 'FZ-NONE-1'),
    debtorId: known(a.debtorId, b.debtorId, 'FZ-NONE'),
    id: known(a.emailMessageId, a.smsMessageId, b.emailMessageId, '00000000-0000-4000-8000-000000000000'),
    token: fc.oneof(
      known(a.paymentToken, a.contactToken, b.paymentToken, b.contactToken),
      token.map((value) => ({ value, hostile: false })),
    ),
    paymentId: known(a.pspPaymentId, b.pspPaymentId, '00000000-0000-4000-8000-000000000000'),
    file: known(`${a.paymentToken}.svg`, `${b.contactToken}.svg`, `${a.paymentToken}.png`),
    corporation: known(a.corporation, b.corporation, 'pages-west'),
  };
  if (name === '*') {
    // Never a genuine tracking token: that would record an open or a click.
    const forged = fc.stringMatching(/^[A-Za-z0-9_-]{40,120}$/);
    const altered = fc.tuple(fc.constantFrom(a.openToken, a.clickToken), fc.nat()).map(([t, i]) => {
      const at = i % (t.length - 3);
      return `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`;
    });
    // A genuine token of the other kind: an open token is no click, a click token no open.
    const wrongKind = url.startsWith('/t/c/') ? a.openToken : a.clickToken;
    return fc.oneof(forged, altered, fc.constant(wrongKind)).map((value) => ({ value, hostile: true }));
  }
  return fc.oneof({ weight: 3, arbitrary: choices[name] ?? hostile }, hostile);
}

type Kind =
  | 'open'
  | 'json'
  | 'mollie'
  | 'twilio'
  | 'bounce'
  | 'tracking'
  | 'api'
  | 'pay'
  | 'form'
  | 'page'
  | 'other';

function kindOf(entry: RouteEntry, ctx: HostileContext): Kind {
  const { method, url } = entry;
  if (['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(url)) return 'open';
  if (rulesFor(entry, ctx)) return 'json';
  if (url === '/psp/mollie/webhook') return 'mollie';
  if (url.startsWith('/v1/providers/twilio/')) return 'twilio';
  if (url === '/v1/providers/email/bounces') return 'bounce';
  if (url.startsWith('/t/')) return 'tracking';
  if (url.startsWith('/v1/')) return 'api';
  if (method === 'POST' && url.endsWith('/pay')) return 'pay';
  if (method === 'POST' && url.includes('/f/')) return 'form';
  if (/^\/(p|f|q|c)\//.test(url)) return 'page';
  return 'other';
}

interface Payload {
  contentType?: string;
  body?: string;
  invalid: boolean;
  bulk?: { good: number; bad: number[] };
}

function payloadFor(
  kind: Kind,
  entry: RouteEntry,
  ctx: HostileContext,
  owner: Tenant | undefined,
): fc.Arbitrary<Payload> {
  const none = fc.constant<Payload>({ invalid: false });
  switch (kind) {
    case 'json': {
      const json = fc
        .tuple(
          brokenJson(rulesFor(entry, ctx)!),
          contentType('application/json', entry.url !== '/v1/receivables'),
        )
        .map(([body, type]) => ({ body, contentType: type, invalid: true }));
      if (entry.url !== '/v1/receivables') return json;
      const bulk = ndjson(owner ?? ctx.a).map((n) => ({
        body: n.body,
        contentType: 'application/x-ndjson',
        // Blank lines only: nothing to take, answered 202 with zero counts.
        invalid: n.good === 0 && n.bad.length > 0,
        ...(owner ? { bulk: { good: n.good, bad: n.bad } } : {}),
      }));
      return fc.oneof(json, bulk);
    }
    case 'form':
    case 'pay':
    case 'mollie':
      return fc
        .tuple(
          kind === 'mollie'
            ? fc
                .oneof(known(ctx.a.providerPaymentId, ctx.b.providerPaymentId, 'tr_unknown'), hostile)
                .map((p) => `id=${p.value}`)
            : fc.oneof(
                badForm,
                fc.integer({ min: 17_000, max: 40_000 }).map((n) => `mobile=${'x'.repeat(n)}`),
              ),
          contentType('application/x-www-form-urlencoded'),
        )
        .map(([body, type]) => ({ body, contentType: type, invalid: kind !== 'mollie' }));
    case 'twilio':
      return fc
        .tuple(
          fc.dictionary(
            fc.constantFrom('MessageStatus', 'Digits', 'CallStatus', 'MessageSid', 'ErrorCode'),
            binaryText,
          ),
          contentType('application/x-www-form-urlencoded'),
        )
        .map(([params, type]) => ({
          body: new URLSearchParams(params).toString(),
          contentType: type,
          invalid: true,
        }));
    case 'bounce':
      return fc
        .tuple(
          fc.oneof(
            fc.constant(JSON.stringify({ messageId: ctx.a.emailMessageId, type: 'hard-bounce' })),
            brokenJson(paymentRules),
          ),
          contentType('application/json'),
        )
        .map(([body, type]) => ({ body, contentType: type, invalid: true }));
    default:
      return none;
  }
}

const normalHost = (host: string) => host.toLowerCase().replace(/:\d+$/, '');

/**
 * A POST to a tenant's own page on its own site: the payment page's pay button (the one POST that would
 * start a payment), or the contact form, whose link the street's setup already used — a used contact link
 * answers every submission with 303 to "already received" and stores nothing, whatever the body.
 */
function genuineOwnPost(
  kind: 'pay' | 'form',
  path: string,
  host: string | null | undefined,
  ctx: HostileContext,
): boolean {
  return [ctx.a, ctx.b].some((t) => {
    // The tenant's own pay buttons (the balance, or an arrangement's next instalment) read no body.
    const own =
      kind === 'pay'
        ? [`/p/${t.paymentToken}/pay`, `/p/${t.paymentToken}/terms/pay`]
        : [`/f/${t.contactToken}`];
    if (!own.some((p) => path.includes(p))) return false;
    const ownHost = host !== undefined && host !== null && normalHost(host) === normalHost(t.host);
    return path.startsWith('/c/') ? host === undefined && path.startsWith(`/c/${t.corporation}/`) : ownHost;
  });
}

/** A hostile request to one route of the table. */
export function requestFor(entry: RouteEntry, ctx: HostileContext): fc.Arbitrary<Hostile> {
  const route = `${entry.method} ${entry.url}`;
  const kind = kindOf(entry, ctx);
  const names = [...entry.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (entry.url.endsWith('*')) names.push('*');
  const authRequired = kind === 'json' || kind === 'api';
  return authFor(ctx)
    .chain((auth) =>
      fc.record({
        auth: fc.constant(auth),
        params: fc.tuple(...names.map((n) => paramFor(n, ctx, entry.url))),
        host: hostFor(ctx),
        extra: extraHeaders,
        query: entry.method === 'GET' || entry.method === 'HEAD' ? query : fc.constant(''),
        key: idempotencyKey,
        payload: payloadFor(kind, entry, ctx, auth.owner),
        signature: fc.oneof(fc.constant(undefined), headerText, fc.constant('wrong-auth-token')),
        message: fc.oneof(known(ctx.a.smsMessageId, ctx.a.emailMessageId), hostile),
      }),
    )
    .map((g) => {
      let i = 0;
      let path = entry.url.replace(/:(\w+)|\*$/g, () => g.params[i++]!.value);
      if (kind === 'twilio') path += `?m=${g.message.value}`;
      path += g.query;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(g.extra)) if (v !== undefined) headers[k] = v;
      if (g.auth.header !== undefined) headers.authorization = g.auth.header;
      if (g.payload.contentType !== undefined) headers['content-type'] = g.payload.contentType;
      if (g.key) headers['idempotency-key'] = g.key.key;
      if (kind === 'bounce' && g.signature !== undefined)
        headers['x-outputstraat-webhook-secret'] = g.signature;
      if (kind === 'twilio' && g.signature !== undefined) {
        const params = Object.fromEntries(new URLSearchParams(g.payload.body ?? ''));
        headers['x-twilio-signature'] =
          g.signature === 'wrong-auth-token'
            ? twilioSignature(g.signature, `http://127.0.0.1:${ctx.port}${path}`, params)
            : g.signature;
      }
      const req: RawRequest = {
        method: entry.method,
        path,
        host: g.host,
        headers,
        ...(g.payload.body !== undefined ? { body: g.payload.body } : {}),
      };
      const hostileParam = g.params.some((p) => p.hostile);
      const mustReject =
        g.host === null ||
        (authRequired && !g.auth.owner) ||
        hostileParam ||
        g.payload.invalid ||
        ['twilio', 'bounce', 'tracking'].includes(kind);
      const keyed = !!(g.key?.valid && g.auth.owner && entry.method === 'POST' && authRequired);
      const bulk = g.payload.bulk && g.host !== null && !(g.key && !g.key.valid) ? g.payload.bulk : undefined;
      return { route, req, mustReject, keyed, ...(bulk ? { bulk } : {}) };
    })
    .filter(
      (h) => !((kind === 'pay' || kind === 'form') && genuineOwnPost(kind, h.req!.path, h.req!.host, ctx)),
    );
}

/** A method or path no route has. */
export function unknownRoute(ctx: HostileContext): fc.Arbitrary<Hostile> {
  return fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      fc.constantFrom('/zz/', '/v1/zz/', '/p/', '/favicon.ico/'),
      hostileSegment,
      hostFor(ctx).filter((h) => h !== null),
    )
    .map(([method, prefix, segment, host]) => ({
      route: 'unknown',
      req: { method, path: `${prefix}${prefix === '/p/' ? `x/y/${segment}` : segment}`, host, headers: {} },
      mustReject: true,
      keyed: false,
    }));
}

/** HTTP the runtime's parser refuses (or that, parsed, reaches an authenticated route without a key). */
export function malformedHttp(ctx: HostileContext): fc.Arbitrary<Hostile> {
  const host = `Host: ${ctx.a.host}\r\n`;
  return fc
    .constantFrom(
      `GET /v1/events HTTP/1.1\r\n${host}Authorization: Bearer a\u0001b\r\n\r\n`,
      `GET /v1/events\u0000 HTTP/1.1\r\n${host}\r\n`,
      `GET /v1/events HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `POST /v1/receivables HTTP/1.1\r\n${host}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
      `POST /v1/receivables HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc`,
      `GET /v1/events HTTP/1.1\r\n${host} folded: header\r\n\r\n`,
      `GET /v1/events HTTP/1.1\r\n${host}Idempotency-Key: a\u0000b\r\n\r\n`,
      `GET / HTTP/9.9\r\n\r\n`,
      'garbage\r\n\r\n',
      `GET /p/%ff HTTP/1.1\r\n${host}\r\n`,
    )
    .map((raw) => ({ route: 'malformed HTTP', raw, mustReject: true, keyed: false }));
}
