// Payments started from a payment page: create one at the PSP (or reuse the open one), and bring a
// payment's status home — from the webhook, which carries only the PSP's id, and from the return page.
// Whatever the order and however often that happens, a paid payment reaches the receivable once:
// `applied_at` is set in the same run, and the receivable event is idempotent on the payment id.
import { randomUUID } from 'node:crypto';
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { BundleStore } from '../bundles/index.js';
import { applyDossierPayment, applyReceivableEvent, payableDossier } from '../dossiers/index.js';
import type { PspAdapter, PspPayment, PspStatus } from './psp.js';

export interface PspDeps {
  db: Database;
  bundles: BundleStore;
  psp: PspAdapter;
  log: Logger;
  /** The runtime's public URL; the PSP's webhook is sent there. */
  publicUrl: string;
  /** The runtime's clock (default: the system's). */
  now?: (() => Date) | undefined;
}

export interface PaymentRow {
  id: string;
  corporation: string;
  receivable_id: string;
  link_id: string | null;
  provider: string;
  provider_payment_id: string | null;
  amount_minor: number;
  currency: string;
  status: PspStatus | 'creating';
  checkout_url: string | null;
  applied_at: Date | null;
}

/** An open checkout younger than this is offered again instead of starting a second payment. */
const REUSE_OPEN_MINUTES = 10;

export const webhookPath = (provider: string) => `/psp/${provider}/webhook`;

export type StartResult = { kind: 'checkout'; url: string } | { kind: 'paid' } | { kind: 'unavailable' };

interface Payable {
  external_id: string;
  balance_minor: number;
  currency: string;
  status: string;
  payment_reference: string | null;
  description: string | null;
}

/**
 * Sends the debtor to the PSP's checkout for what is open now: the receivable's balance, or — when it is
 * an item of a running debtor-scope dossier — the dossier's total, read at this moment (not the total a
 * message once showed); `amountMinor` asks for less (an instalment of a payment arrangement,
 * docs/pages.md). Nothing open starts nothing; an open checkout for the same amount from the last
 * minutes is reused, so a double tap or a back button does not create a second payment.
 */
export async function startPayment(
  deps: PspDeps,
  bundle: ConfigBundle,
  link: { id: string; token: string; receivable_id: string },
  pageBase: string,
  locale: 'nl' | 'en',
  amountMinor?: number,
): Promise<StartResult> {
  const corporation = bundle.corporation.id;
  const r = (await deps.db.one(sql.unsafe`
    SELECT external_id, balance_minor, currency, status, payment_reference, description
    FROM receivables WHERE id = ${link.receivable_id} AND corporation = ${corporation}`)) as unknown as Payable;
  const dossier = await payableDossier(deps.db, corporation, link.receivable_id);
  const openTotal = dossier ? dossier.view.total : Number(r.balance_minor);
  if ((!dossier && r.status === 'paid') || openTotal <= 0) return { kind: 'paid' };
  // A dossier is payable while anything in it is open, whatever became of the item the link belongs to;
  // a paused link (an arrangement) pays nothing online, as the page says.
  const blocked = dossier ? r.status === 'paused' : r.status !== 'open';
  if (blocked || !deps.psp.configured(corporation)) return { kind: 'unavailable' };
  const amount = Math.min(amountMinor ?? openTotal, openTotal);
  const open = await deps.db.maybeOne(sql.unsafe`
    SELECT checkout_url FROM psp_payments
    WHERE receivable_id = ${link.receivable_id} AND status = 'open' AND checkout_url IS NOT NULL
      AND amount_minor = ${amount} AND created_at > now() - make_interval(mins => ${REUSE_OPEN_MINUTES})
    ORDER BY created_at DESC LIMIT 1`);
  if (open) return { kind: 'checkout', url: open.checkout_url as string };

  const id = randomUUID();
  await deps.db.query(sql.unsafe`
    INSERT INTO psp_payments (id, corporation, receivable_id, link_id, provider, amount_minor, currency)
    VALUES (${id}, ${corporation}, ${link.receivable_id}, ${link.id}, ${deps.psp.name}, ${amount}, ${r.currency})`);
  const description = [bundle.corporation.displayName, r.payment_reference ?? r.external_id]
    .join(' ')
    .slice(0, 255);
  let payment: PspPayment;
  try {
    payment = await deps.psp.createPayment(corporation, {
      paymentId: id,
      amountMinor: amount,
      currency: r.currency,
      description,
      redirectUrl: `${pageBase}/p/${link.token}/return/${id}`,
      webhookUrl: `${deps.publicUrl}${webhookPath(deps.psp.name)}`,
      locale,
    });
  } catch (err) {
    await deps.db.query(sql.unsafe`UPDATE psp_payments SET status = 'failed' WHERE id = ${id}`);
    throw err;
  }
  await deps.db.query(sql.unsafe`
    UPDATE psp_payments SET provider_payment_id = ${payment.providerId}, status = ${payment.status},
      checkout_url = ${payment.checkoutUrl ?? null}
    WHERE id = ${id}`);
  if (!payment.checkoutUrl) return { kind: 'unavailable' };
  return { kind: 'checkout', url: payment.checkoutUrl };
}

const PAYMENT_COLUMNS = sql.fragment`id, corporation, receivable_id, link_id, provider, provider_payment_id,
  amount_minor, currency, status, checkout_url, applied_at`;

/** A payment row this runtime knows exists, as stored now. */
async function storedPayment(db: Database, id: string): Promise<PaymentRow> {
  return (await db.one(
    sql.unsafe`SELECT ${PAYMENT_COLUMNS} FROM psp_payments WHERE id = ${id}`,
  )) as unknown as PaymentRow;
}

export async function paymentById(db: Database, id: string): Promise<PaymentRow | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const row = await db.maybeOne(sql.unsafe`SELECT ${PAYMENT_COLUMNS} FROM psp_payments WHERE id = ${id}`);
  return (row as unknown as PaymentRow | null) ?? undefined;
}

export async function paymentByProviderId(
  db: Database,
  provider: string,
  providerId: string,
): Promise<PaymentRow | undefined> {
  const row = await db.maybeOne(sql.unsafe`
    SELECT ${PAYMENT_COLUMNS} FROM psp_payments WHERE provider = ${provider} AND provider_payment_id = ${providerId}`);
  return (row as unknown as PaymentRow | null) ?? undefined;
}

/**
 * Asks the PSP for the payment's status and records it. A final status is never overwritten (an older
 * answer arriving late cannot turn `paid` back into `open`); a `paid` status is applied to the receivable
 * once, with the amount the PSP reports, which also stops the cases and closes the link.
 */
export async function syncPayment(deps: PspDeps, row: PaymentRow): Promise<PaymentRow> {
  if (!row.provider_payment_id) return row;
  if (row.status === 'paid' && row.applied_at) return row;
  const payment = await deps.psp.getPayment(row.corporation, row.provider_payment_id);
  if (payment.paymentId !== undefined && payment.paymentId !== row.id) {
    deps.log.warn(
      { corporation: row.corporation, payment: row.id },
      'PSP payment metadata names another payment',
    );
    return row;
  }
  // A final status stays: an answer that arrives late cannot turn `paid` back into `open`. The same status
  // again changes nothing (a webhook anyone can call must not even touch updated_at).
  const updated =
    ((await deps.db.maybeOne(sql.unsafe`
    UPDATE psp_payments SET status = ${payment.status}
    WHERE id = ${row.id} AND status NOT IN ('paid', 'failed', 'canceled', 'expired')
      AND status <> ${payment.status}
    RETURNING ${PAYMENT_COLUMNS}`)) as unknown as PaymentRow | null) ??
    (await storedPayment(deps.db, row.id));
  if (updated.status !== 'paid') return updated;
  return applyPaid(deps, updated, payment.amountMinor);
}

/**
 * Books a paid payment once. On a dossier's link it is spread over the dossier's open items
 * (runtime/dossiers/dossier-payment.ts), `applied_at` claimed in the same transaction; else it is a
 * payment of the link's receivable.
 */
async function applyPaid(deps: PspDeps, row: PaymentRow, amountMinor: number): Promise<PaymentRow> {
  const payment = {
    paymentId: `${row.provider}:${row.provider_payment_id}`,
    amount: amountMinor,
    paidAt: (deps.now?.() ?? new Date()).toISOString(),
    method: 'ideal',
  };
  const caseDeps = { db: deps.db, bundles: deps.bundles };
  const spread = await applyDossierPayment(
    caseDeps,
    row.corporation,
    row.receivable_id,
    payment,
    async (tx) =>
      Boolean(
        await tx.maybeOne(sql.unsafe`
        UPDATE psp_payments SET applied_at = now(), paid_amount_minor = ${amountMinor}
        WHERE id = ${row.id} AND applied_at IS NULL RETURNING id`),
      ),
  );
  if (spread.kind !== 'none') {
    if (spread.kind === 'spread') {
      deps.log.info(
        { corporation: row.corporation, payment: row.id, items: spread.shares.length },
        'PSP payment spread over the dossier',
      );
    }
    return storedPayment(deps.db, row.id);
  }
  const externalId = await deps.db.oneFirst(sql.unsafe`
    SELECT external_id FROM receivables WHERE id = ${row.receivable_id}`);
  await applyReceivableEvent(caseDeps, row.corporation, externalId as string, { type: 'payment', payment });
  const applied = await deps.db.maybeOne(sql.unsafe`
    UPDATE psp_payments SET applied_at = now(), paid_amount_minor = ${amountMinor}
    WHERE id = ${row.id} AND applied_at IS NULL
    RETURNING ${PAYMENT_COLUMNS}`);
  if (applied) {
    deps.log.info({ corporation: row.corporation, payment: row.id }, 'PSP payment applied to the receivable');
  }
  // Another replica booked it first: what the row says, not a time of our own.
  return (applied as unknown as PaymentRow | null) ?? storedPayment(deps.db, row.id);
}
