// Mollie through its official SDK. One client per API key; the key of each corporation comes from the
// environment the way the local street passes Secrets: OST_SECRET_<NAMESPACE>__<NAME>__<key>, with the
// Secret name from OST_MOLLIE_SECRET_NAME (default `mollie`) and the key `apiKey`.
// Every call has a deadline (OST_MOLLIE_TIMEOUT_MS): the SDK cannot cancel a request, so the runtime stops
// waiting for it. Creating a payment again is safe — our payment id is Mollie's idempotency key.
import { createMollieClient, Locale, type MollieClient, PaymentMethod } from '@mollie/api-client';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { createError } from '../../core/errors/index.js';
import { positive } from '../../platform/settings/runtime-settings.js';
import {
  type CreatePaymentRequest,
  decimalAmount,
  minorAmount,
  type PspAdapter,
  type PspPayment,
  type PspStatus,
} from './psp.js';

export interface MollieOptions {
  env?: NodeJS.ProcessEnv;
  /** The API root; the SDK's default is Mollie's own. Tests point it at a local server. */
  apiEndpoint?: string;
  /** Origins of Mollie's hosted checkout, for the payment page's CSP. */
  checkoutOrigins?: string[];
  /** Deadline of one call to Mollie (default MOLLIE_TIMEOUT_MS). */
  timeoutMs?: number;
}

export const MOLLIE_TIMEOUT_MS = 10_000;

/** The call's result, or a rejection once `ms` passed (the request itself cannot be cancelled). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (OST_MOLLIE_TIMEOUT_MS)`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export const MOLLIE_CHECKOUT_ORIGINS = ['https://www.mollie.com'];
const STATUSES: ReadonlySet<string> = new Set([
  'open',
  'pending',
  'authorized',
  'paid',
  'failed',
  'canceled',
  'expired',
]);

/** The variable of the corporation's Mollie key: Secret `OST_MOLLIE_SECRET_NAME` (default `mollie`), key `apiKey`. */
export function mollieKeyEnvName(corporation: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = env.OST_MOLLIE_SECRET_NAME || 'mollie';
  return secretEnvName(corporation, name, 'apiKey');
}

interface MolliePaymentLike {
  id: string;
  status: string;
  amount: { value: string; currency: string };
  metadata: unknown;
  _links: { checkout?: { href: string } | undefined };
}

function toPspPayment(p: MolliePaymentLike): PspPayment {
  if (!STATUSES.has(p.status)) {
    throw createError('OST_ERR_PSP', ['mollie', `unknown payment status ${p.status}`, 'upgrade the runtime']);
  }
  const metadata = p.metadata as { paymentId?: unknown } | null;
  return {
    providerId: p.id,
    status: p.status as PspStatus,
    amountMinor: minorAmount(p.amount.value),
    currency: p.amount.currency,
    ...(p._links.checkout?.href ? { checkoutUrl: p._links.checkout.href } : {}),
    ...(typeof metadata?.paymentId === 'string' ? { paymentId: metadata.paymentId } : {}),
  };
}

export class MollieAdapter implements PspAdapter {
  readonly name = 'mollie';
  readonly checkoutOrigins: readonly string[];
  private readonly env: NodeJS.ProcessEnv;
  private readonly clients = new Map<string, MollieClient>();
  private readonly timeoutMs: number;

  constructor(private readonly options: MollieOptions = {}) {
    this.env = options.env ?? process.env;
    this.checkoutOrigins = options.checkoutOrigins ?? MOLLIE_CHECKOUT_ORIGINS;
    this.timeoutMs = options.timeoutMs ?? MOLLIE_TIMEOUT_MS;
  }

  configured(corporation: string): boolean {
    return Boolean(this.env[mollieKeyEnvName(corporation, this.env)]);
  }

  private client(corporation: string): MollieClient {
    const envName = mollieKeyEnvName(corporation, this.env);
    const apiKey = this.env[envName];
    if (!apiKey) throw createError('OST_ERR_PSP_NOT_CONFIGURED', [corporation, 'mollie', envName]);
    let client = this.clients.get(apiKey);
    if (!client) {
      client = createMollieClient({
        apiKey,
        ...(this.options.apiEndpoint ? { apiEndpoint: this.options.apiEndpoint } : {}),
        versionStrings: 'Outputstraat/0.1',
      });
      this.clients.set(apiKey, client);
    }
    return client;
  }

  async createPayment(corporation: string, request: CreatePaymentRequest): Promise<PspPayment> {
    const client = this.client(corporation);
    try {
      const create = client.payments.create({
        amount: { currency: request.currency, value: decimalAmount(request.amountMinor) },
        description: request.description,
        redirectUrl: request.redirectUrl,
        webhookUrl: request.webhookUrl,
        method: PaymentMethod.ideal,
        locale: request.locale === 'nl' ? Locale.nl_NL : Locale.en_GB,
        metadata: { paymentId: request.paymentId },
        idempotencyKey: request.paymentId,
      });
      const payment = await within(this.timeoutMs, create);
      return toPspPayment(payment as unknown as MolliePaymentLike);
    } catch (cause) {
      throw createError('OST_ERR_PSP', ['mollie', (cause as Error).message, 'the debtor can try again'], {
        cause,
      });
    }
  }

  async getPayment(corporation: string, providerId: string): Promise<PspPayment> {
    const client = this.client(corporation);
    try {
      const payment = await within(this.timeoutMs, client.payments.get(providerId));
      return toPspPayment(payment as unknown as MolliePaymentLike);
    } catch (cause) {
      throw createError(
        'OST_ERR_PSP',
        ['mollie', (cause as Error).message, 'the webhook is retried by Mollie'],
        {
          cause,
        },
      );
    }
  }
}

/**
 * OST_MOLLIE_API_ENDPOINT (default Mollie's own), OST_MOLLIE_CHECKOUT_ORIGINS (comma-separated) and
 * OST_MOLLIE_TIMEOUT_MS (default 10 s).
 */
export function mollieOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MollieOptions {
  const origins = env.OST_MOLLIE_CHECKOUT_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return {
    env,
    ...(env.OST_MOLLIE_API_ENDPOINT ? { apiEndpoint: env.OST_MOLLIE_API_ENDPOINT } : {}),
    ...(origins && origins.length > 0 ? { checkoutOrigins: origins } : {}),
    timeoutMs: positive(env, 'OST_MOLLIE_TIMEOUT_MS', MOLLIE_TIMEOUT_MS),
  };
}
