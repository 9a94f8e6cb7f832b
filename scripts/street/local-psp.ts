// A local payment provider for the street on a laptop: the payment page's "Betalen" goes to a checkout
// page served here (127.0.0.1 only) with a pay and a cancel button; either sets the payment's status,
// calls the runtime's PSP webhook with the payment id (as Mollie does) and sends the tenant back to the
// page. No money moves and no account is needed; in a cluster the runtime talks to Mollie.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  CreatePaymentRequest,
  PspAdapter,
  PspPayment,
  PspStatus,
} from '../../runtime/payments/index.js';
import { escapeHtml } from '../../runtime/web/index.js';

interface LocalPayment extends PspPayment {
  description: string;
  redirectUrl: string;
  webhookUrl: string;
}

const ID = /^\/checkout\/(lp_[0-9a-f]{16})(\/(pay|cancel))?$/;

export interface LocalPsp {
  adapter: PspAdapter;
  url: string;
  stop(): Promise<void>;
}

export async function startLocalPsp(port = 0): Promise<LocalPsp> {
  const payments = new Map<string, LocalPayment>();
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = ID.exec(new URL(req.url ?? '/', 'http://local').pathname);
    const payment = m ? payments.get(m[1]!) : undefined;
    if (!m || !payment) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such payment');
      return;
    }
    if (req.method === 'GET' && !m[2]) {
      const amount = `€ ${(payment.amountMinor / 100).toFixed(2).replace('.', ',')}`;
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; form-action 'self'",
        })
        .end(`<!doctype html><html lang="nl"><meta charset="utf-8"><title>Lokale betaling</title>
<main><h1>Lokale betaling (demo)</h1><p>${escapeHtml(payment.description)}: <strong>${amount}</strong></p>
<p>Status: ${payment.status}</p>
<form method="post" action="/checkout/${payment.providerId}/pay"><button>Betalen</button></form>
<form method="post" action="/checkout/${payment.providerId}/cancel"><button>Annuleren</button></form></main></html>`);
      return;
    }
    if (req.method !== 'POST' || !m[3]) {
      res.writeHead(405).end();
      return;
    }
    for await (const _ of req) {
      // the buttons send no fields
    }
    if (payment.status === 'open') payment.status = m[3] === 'pay' ? 'paid' : 'canceled';
    // As Mollie: the webhook carries only the id; the runtime asks for the status with getPayment.
    await fetch(payment.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: payment.providerId }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    res.writeHead(303, { location: payment.redirectUrl }).end();
  }
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const adapter: PspAdapter = {
    name: 'local',
    configured: () => true,
    checkoutOrigins: [url],
    async createPayment(_corporation: string, r: CreatePaymentRequest): Promise<PspPayment> {
      const providerId = `lp_${randomBytes(8).toString('hex')}`;
      const payment: LocalPayment = {
        providerId,
        status: 'open' as PspStatus,
        amountMinor: r.amountMinor,
        currency: r.currency,
        checkoutUrl: `${url}/checkout/${providerId}`,
        paymentId: r.paymentId,
        description: r.description,
        redirectUrl: r.redirectUrl,
        webhookUrl: r.webhookUrl,
      };
      payments.set(providerId, payment);
      return { ...payment };
    },
    async getPayment(_corporation: string, providerId: string): Promise<PspPayment> {
      const p = payments.get(providerId);
      if (!p) throw new Error(`no local payment ${providerId}`);
      return { ...p };
    },
  };
  return {
    adapter,
    url,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
