// GET /p/<token> shows what is due; POST /p/<token>/pay sends the debtor to the PSP's checkout; the PSP
// sends them back to /p/<token>/return/<payment id>, which asks the PSP for the status server-side.
// Whatever is wrong with a token — unknown, expired, closed, another corporation's, another purpose —
// the answer is the same plain 404 page, and nothing changes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isOutputstraatError } from '../../core/errors/index.js';
import { payableDossier } from '../dossiers/index.js';
import { type PaymentRow, type PspDeps, paymentById, startPayment, syncPayment } from '../payments/index.js';
import {
  type LinkPage,
  notFound,
  openLinkPage,
  type ReceivableForPage,
  receivableForPage,
  sendPage,
} from '../web/index.js';
import { termsLinkFor } from './arrangement-routes.js';
import {
  alreadyPaidPage,
  failedPage,
  notFinishedPage,
  payPage,
  pendingPage,
  successPage,
} from './payment-views.js';

type TokenRequest = FastifyRequest<{
  Params: { token: string; corporation?: string; paymentId?: string };
  Querystring: { lang?: string };
}>;

type Resolved = LinkPage;

/**
 * The link and what it pays: its receivable, or — when that is an item of a running debtor-scope dossier —
 * the dossier's open items and their total, read now (runtime/dossiers/dossier-payment.ts).
 */
export async function resolvePaymentLink(
  deps: PspDeps,
  request: TokenRequest,
): Promise<Resolved | undefined> {
  const x = await openLinkPage(deps, request, 'payment');
  if (!x) return undefined;
  const dossier = await payableDossier(deps.db, x.link.corporation, x.link.receivable_id);
  if (!dossier) return x;
  const { total, items } = dossier.view;
  // The dossier is open while anything is; a paused item (an arrangement) pauses the payment as before.
  const status = total <= 0 ? 'paid' : x.receivable.status === 'paused' ? 'paused' : 'open';
  return { ...x, receivable: { ...x.receivable, balanceMinor: total, status, items } };
}

const isPaid = (r: ReceivableForPage) => r.status === 'paid' || r.balanceMinor <= 0;
const payable = (x: Resolved) =>
  !x.link.closed && (x.receivable.status === 'open' || x.receivable.status === 'paused');

function payAction(deps: PspDeps, x: Resolved): string | undefined {
  if (!deps.psp.configured(x.link.corporation) || x.receivable.status !== 'open') return undefined;
  return `${x.path}/p/${x.link.token}/pay?lang=${x.lang}`;
}

export function registerPaymentRoutes(app: FastifyInstance, deps: PspDeps): void {
  const checkout = deps.psp.checkoutOrigins;

  app.get('/p/:token', async (request: TokenRequest, reply) => {
    const x = await resolvePaymentLink(deps, request);
    if (!x) return notFound(request, reply);
    if (isPaid(x.receivable)) return sendPage(reply, 200, alreadyPaidPage(x.bundle, x.lang, x.receivable));
    if (!payable(x)) return notFound(request, reply);
    const terms = await termsLinkFor(deps, x);
    return sendPage(reply, 200, payPage(x.bundle, x.lang, x.receivable, payAction(deps, x), terms), checkout);
  });

  app.post('/p/:token/pay', async (request: TokenRequest, reply) => {
    const x = await resolvePaymentLink(deps, request);
    if (!x) return notFound(request, reply);
    const page = `${x.path}/p/${x.link.token}?lang=${x.lang}`;
    if (isPaid(x.receivable) || !payable(x)) return reply.redirect(page, 303);
    const started = await startPayment(deps, x.bundle, x.link, x.site.base, x.lang);
    return reply.redirect(started.kind === 'checkout' ? started.url : page, 303);
  });

  app.get('/p/:token/return/:paymentId', async (request: TokenRequest, reply) => {
    const x = await resolvePaymentLink(deps, request);
    if (!x) return notFound(request, reply);
    const row = await paymentById(deps.db, request.params.paymentId ?? '');
    if (!row || row.receivable_id !== x.link.receivable_id || row.corporation !== x.link.corporation) {
      return notFound(request, reply);
    }
    let synced: PaymentRow = row;
    try {
      synced = await syncPayment(deps, row);
    } catch (err) {
      if (!isOutputstraatError(err, 'OST_ERR_PSP')) throw err;
      request.log.warn({ code: err.code }, 'PSP status not available; showing pending');
    }
    const self = `${x.path}/p/${x.link.token}/return/${row.id}?lang=${x.lang}`;
    if (synced.status === 'paid') {
      const fresh =
        (await receivableForPage(deps.db, x.link.corporation, x.link.receivable_id)) ?? x.receivable;
      return sendPage(
        reply,
        200,
        successPage(x.bundle, x.lang, { ...fresh, amountMinor: Number(row.amount_minor) }),
      );
    }
    if (synced.status === 'failed' || synced.status === 'canceled' || synced.status === 'expired') {
      if (isPaid(x.receivable)) return sendPage(reply, 200, alreadyPaidPage(x.bundle, x.lang, x.receivable));
      return sendPage(
        reply,
        200,
        failedPage(x.bundle, x.lang, payable(x) ? payAction(deps, x) : undefined),
        checkout,
      );
    }
    if (synced.status === 'open' && !isPaid(x.receivable) && payable(x)) {
      // Back from the checkout without finishing: offer to continue rather than wait for nothing.
      return sendPage(reply, 200, notFinishedPage(x.bundle, x.lang, payAction(deps, x)), checkout);
    }
    return sendPage(reply, 200, pendingPage(x.bundle, x.lang, self));
  });
}
