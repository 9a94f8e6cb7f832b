// A local server that speaks the part of Mollie's v2 API the runtime uses, so tests drive the official
// SDK unchanged: POST /v2/payments (with Idempotency-Key), GET /v2/payments/:id, JSON shaped like
// Mollie's (`_links.checkout.href`, errors as application/hal+json with status/title/detail/field), and
// a hosted checkout page whose buttons set the status, call the webhook with `id=tr_…` and send the
// debtor back to the redirectUrl — the way Mollie's test mode does.
//
// The SDK only talks HTTPS and trusts only its bundled CA list, so this server uses a throwaway
// self-signed certificate for 127.0.0.1 and `trustLocalMollie()` turns certificate checks off in the
// test process while it runs. Everything stays on the loopback interface.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgW3vzKWMoujjGHICi
QE9zNxvAnHxlyVXiPfNH4HLHMIChRANCAATKrZQ1LVbdtC//b9LcbuTMWXNBwpu5
y1V3f+R01lZabdXX1INlNp6BwCgSEuNSCPk0OBiZYkAighaG584kEsDq
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUYPMV+dS6vkEWQ/iT3kGocMEMbSQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjEwMjYxNVoYDzIxMjYxMDI5
MTAyNjE1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATKrZQ1LVbdtC//b9LcbuTMWXNBwpu5y1V3f+R01lZabdXX1INlNp6B
wCgSEuNSCPk0OBiZYkAighaG584kEsDqo28wbTAdBgNVHQ4EFgQUV+alquiHmM5L
goUn+3twSLIyVqQwHwYDVR0jBBgwFoAUV+alquiHmM5LgoUn+3twSLIyVqQwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhALkVYplNqZ3gQYMZZ9XzJCWCdFEM4YwBGInQnDIvwATvAiEA
++/2HTRJytaMHlLUbERlhu1K2rikFkZyD42IDBESFjA=
-----END CERTIFICATE-----`;

export type MollieStatus = 'open' | 'pending' | 'authorized' | 'paid' | 'failed' | 'canceled' | 'expired';

export interface FakePayment {
  id: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  createdAt: string;
  status: MollieStatus;
  paidAt?: string;
  amount: { value: string; currency: string };
  description: string;
  method: string | null;
  metadata: unknown;
  locale: string | null;
  redirectUrl: string;
  webhookUrl: string | undefined;
}

export interface WebhookCall {
  id: string;
  status: number;
}

export interface MollieServer {
  url: string;
  /** What the runtime's OST_MOLLIE_API_ENDPOINT should be. */
  apiEndpoint: string;
  /** Origin of the checkout pages (for the payment page's CSP form-action). */
  checkoutOrigin: string;
  payments: Map<string, FakePayment>;
  /** Every POST /v2/payments body as received. */
  creates: { apiKey: string; idempotencyKey: string | undefined; body: Record<string, unknown> }[];
  webhookCalls: WebhookCall[];
  /** Sets the status as the bank would, and calls the webhook (unless told not to). */
  setStatus(id: string, status: MollieStatus, options?: { webhook?: boolean }): Promise<void>;
  /** Calls the payment's webhook as Mollie does: POST id=tr_… as a form. */
  callWebhook(id: string): Promise<number>;
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/hal+json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function mollieError(res: ServerResponse, status: number, detail: string, field?: string): void {
  const title =
    status === 401 ? 'Unauthorized Request' : status === 404 ? 'Not Found' : 'Unprocessable Entity';
  send(res, status, {
    status,
    title,
    detail,
    ...(field ? { field } : {}),
    _links: {
      documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' },
    },
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const escapeText = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Allows the SDK to reach the self-signed local server: certificate checks off in this process. */
export function trustLocalMollie(): () => void {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  return () => {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  };
}

export async function startMollieServer(options: { apiKeys: string[] }): Promise<MollieServer> {
  const payments = new Map<string, FakePayment>();
  const byIdempotency = new Map<string, string>();
  const creates: MollieServer['creates'] = [];
  const webhookCalls: WebhookCall[] = [];
  let base = '';

  const json = (p: FakePayment) => ({
    resource: 'payment',
    id: p.id,
    mode: 'test',
    createdAt: p.createdAt,
    amount: p.amount,
    description: p.description,
    method: p.method,
    metadata: p.metadata,
    status: p.status,
    isCancelable: p.status === 'open',
    ...(p.status === 'open'
      ? { expiresAt: new Date(Date.parse(p.createdAt) + 15 * 60_000).toISOString() }
      : {}),
    ...(p.paidAt ? { paidAt: p.paidAt } : {}),
    ...(p.status === 'paid'
      ? {
          amountRefunded: { value: '0.00', currency: p.amount.currency },
          amountRemaining: p.amount,
          settlementAmount: p.amount,
        }
      : {}),
    locale: p.locale,
    profileId: 'pfl_localtest',
    sequenceType: 'oneoff',
    redirectUrl: p.redirectUrl,
    ...(p.webhookUrl ? { webhookUrl: p.webhookUrl } : {}),
    _links: {
      self: { href: `${base}/v2/payments/${p.id}`, type: 'application/hal+json' },
      ...(p.status === 'open' ? { checkout: { href: `${base}/checkout/${p.id}`, type: 'text/html' } } : {}),
      dashboard: { href: `${base}/dashboard/payments/${p.id}`, type: 'text/html' },
      documentation: { href: 'https://docs.mollie.com/reference/get-payment', type: 'text/html' },
    },
  });

  async function callWebhook(id: string): Promise<number> {
    const p = payments.get(id);
    if (!p?.webhookUrl) return 0;
    const res = await fetch(p.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id }).toString(),
    });
    await res.arrayBuffer();
    webhookCalls.push({ id, status: res.status });
    return res.status;
  }

  async function setStatus(
    id: string,
    status: MollieStatus,
    opts: { webhook?: boolean } = {},
  ): Promise<void> {
    const p = payments.get(id);
    if (!p) throw new Error(`no payment ${id}`);
    p.status = status;
    if (status === 'paid') p.paidAt = new Date().toISOString();
    if (opts.webhook !== false) await callWebhook(id);
  }

  function authorised(req: IncomingMessage): string | undefined {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    return m && options.apiKeys.includes(m[1]!) ? m[1] : undefined;
  }

  async function createPayment(req: IncomingMessage, res: ServerResponse, apiKey: string): Promise<void> {
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    creates.push({ apiKey, idempotencyKey, body });
    const known = idempotencyKey ? byIdempotency.get(`${apiKey}:${idempotencyKey}`) : undefined;
    if (known) return send(res, 201, json(payments.get(known)!));
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    if (
      typeof amount?.value !== 'string' ||
      !/^\d+\.\d{2}$/.test(amount.value) ||
      amount.currency !== 'EUR'
    ) {
      return mollieError(
        res,
        422,
        'The amount is invalid: use a string with two decimals, e.g. "10.00"',
        'amount',
      );
    }
    if (typeof body.description !== 'string' || body.description.length === 0) {
      return mollieError(res, 422, 'The description is invalid', 'description');
    }
    if (typeof body.redirectUrl !== 'string' || !/^https?:\/\//.test(body.redirectUrl)) {
      return mollieError(res, 422, 'The redirect URL is invalid', 'redirectUrl');
    }
    if (body.method !== undefined && body.method !== 'ideal') {
      return mollieError(res, 422, 'This test server offers iDEAL only', 'method');
    }
    const p: FakePayment = {
      id: `tr_${randomBytes(8).toString('hex').slice(0, 10)}`,
      apiKey,
      idempotencyKey,
      createdAt: new Date().toISOString(),
      status: 'open',
      amount: { value: amount.value, currency: 'EUR' },
      description: body.description,
      method: (body.method as string | undefined) ?? null,
      metadata: body.metadata ?? null,
      locale: (body.locale as string | undefined) ?? null,
      redirectUrl: body.redirectUrl,
      webhookUrl: body.webhookUrl as string | undefined,
    };
    payments.set(p.id, p);
    if (idempotencyKey) byIdempotency.set(`${apiKey}:${idempotencyKey}`, p.id);
    send(res, 201, json(p));
  }

  function checkoutPage(res: ServerResponse, p: FakePayment): void {
    const button = (status: string, label: string) =>
      `<button name="status" value="${status}" type="submit">${label}</button>`;
    send(
      res,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test checkout</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body>
<main><h1>iDEAL test checkout</h1><p id="amount">€ ${escapeText(p.amount.value)}</p><p>${escapeText(p.description)}</p>
<form method="post" action="/checkout/${p.id}">${button('paid', 'Paid')} ${button('failed', 'Failed')}
${button('canceled', 'Cancel')} ${button('open', 'Back (still open)')}</form></main></body></html>`,
      'text/html; charset=utf-8',
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const checkout = /^\/checkout\/(tr_\w+)$/.exec(url.pathname);
    if (checkout) {
      const p = payments.get(checkout[1]!);
      if (!p) return send(res, 404, 'not found', 'text/plain');
      if (req.method === 'GET') return checkoutPage(res, p);
      const form = new URLSearchParams(await readBody(req));
      const status = (form.get('status') ?? 'open') as MollieStatus;
      if (status !== 'open') await setStatus(p.id, status);
      res.writeHead(303, { location: p.redirectUrl });
      return void res.end();
    }
    const apiKey = authorised(req);
    if (!apiKey) return mollieError(res, 401, 'Missing authentication, or failed to authenticate');
    if (req.method === 'POST' && url.pathname === '/v2/payments') return createPayment(req, res, apiKey);
    const get = /^\/v2\/payments\/(tr_\w+)$/.exec(url.pathname);
    if (req.method === 'GET' && get) {
      const p = payments.get(get[1]!);
      if (!p || p.apiKey !== apiKey) return mollieError(res, 404, 'No payment exists with token');
      return send(res, 200, json(p));
    }
    mollieError(res, 404, `no route ${req.method} ${url.pathname} in the local Mollie server`);
  }

  const server: Server = createServer({ key: KEY, cert: CERT }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) mollieError(res, 422, String((err as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;
  return {
    url: base,
    apiEndpoint: `${base}/v2/`,
    checkoutOrigin: base,
    payments,
    creates,
    webhookCalls,
    setStatus,
    callWebhook,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
