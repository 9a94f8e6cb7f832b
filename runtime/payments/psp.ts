// What the payment page needs from a payment service provider. Mollie is the first adapter; another PSP
// implements the same four members and is picked per runtime.
export type PspStatus = 'open' | 'pending' | 'authorized' | 'paid' | 'failed' | 'canceled' | 'expired';

/** Statuses after which a payment cannot change any more. */
export const FINAL_STATUSES: ReadonlySet<PspStatus> = new Set(['paid', 'failed', 'canceled', 'expired']);

export interface CreatePaymentRequest {
  /** Our payment id: the idempotency key towards the PSP and part of its metadata. */
  paymentId: string;
  amountMinor: number;
  currency: string;
  description: string;
  /** Where the PSP sends the debtor back after checkout. */
  redirectUrl: string;
  /** Where the PSP reports status changes (it sends the payment id only). */
  webhookUrl: string;
  locale: 'nl' | 'en';
}

export interface PspPayment {
  /** The PSP's own id, e.g. Mollie's `tr_…`. */
  providerId: string;
  status: PspStatus;
  amountMinor: number;
  currency: string;
  checkoutUrl?: string;
  /** Our payment id from the metadata, when present. */
  paymentId?: string;
}

export interface PspAdapter {
  readonly name: string;
  /** Whether the corporation has credentials for this PSP; without them the page offers bank transfer only. */
  configured(corporation: string): boolean;
  /** Origins of the checkout pages, for the payment page's CSP form-action. */
  readonly checkoutOrigins: readonly string[];
  createPayment(corporation: string, request: CreatePaymentRequest): Promise<PspPayment>;
  getPayment(corporation: string, providerId: string): Promise<PspPayment>;
}

/** "620.79" for 62079 cents (two minor digits, as Mollie and most PSPs want amounts). */
export function decimalAmount(amountMinor: number): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new TypeError(`amount must be a non-negative integer of cents, got ${String(amountMinor)}`);
  }
  return `${Math.floor(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, '0')}`;
}

/** 62079 for "620.79"; exact, no floating point. */
export function minorAmount(value: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) throw new TypeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
