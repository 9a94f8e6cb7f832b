import { DEFAULT_TIME_ZONE, dayInZone, formatDay, requireDay } from './dates.js';
import {
  EMPTY_PAYMENT_HISTORY,
  isPaymentHistorySummary,
  type PaymentHistoryEntry,
  type PaymentHistorySummary,
  summarizePaymentHistory,
} from './payment-history.js';

// The variables an expression is evaluated against (see the table in variables.ts). Plain JS values:
// numbers for int fields (whole numbers; amounts in minor units), a Date for `now`. evaluate() converts
// them to CEL values and rejects ill-typed ones with a CelEvalError.

export type ReceivableSource = 'production' | 'test' | 'acceptance';

export interface ReceivableVars {
  externalId: string;
  kind: string;
  amount: number;
  balance: number;
  currency: string;
  dueDate: string;
  stornoReasonCode: string;
  source: ReceivableSource;
  paid: boolean;
  classification: string;
}

export interface DebtorVars {
  id: string;
  locale: string;
  preferredChannel: string;
  hasEmail: boolean;
  hasPhone: boolean;
  hasAddress: boolean;
  tenancyStartDate: string;
}

export interface CaseVars {
  stepsSent: number;
  opened: boolean;
  clicked: boolean;
  bounced: boolean;
  channelsTried: readonly string[];
  /** Collection costs the case added (addCosts steps), in minor units. */
  costsAdded: number;
}

export interface CelActivation {
  receivable: ReceivableVars;
  debtor: DebtorVars;
  history: PaymentHistorySummary;
  /** A Date (or an ISO 8601 instant). */
  now: Date | string;
  daysOverdue: number;
  /** The result of classification; for preconditions and branches. */
  classification?: string;
  /** The running case; for branches. */
  case?: CaseVars;
}

/** The receivable as the ERP sends it; optional fields get the defaults documented per field. */
export interface ActivationReceivableInput {
  externalId: string;
  kind: string;
  /** Minor units (cents). */
  amount: number;
  /** Minor units; default: amount. */
  balance?: number;
  /** Default EUR. */
  currency?: string;
  /** YYYY-MM-DD */
  dueDate: string;
  stornoReasonCode?: string | null;
  source: ReceivableSource;
  /** Default: balance <= 0. */
  paid?: boolean;
  /** Classification the ERP attached. */
  classification?: string | null;
}

/** The debtor as the ERP sends it: contact routes count as known when present and not blank. */
export interface ActivationDebtorInput {
  id: string;
  locale?: string | null;
  preferredChannel?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: unknown;
  postalAddress?: unknown;
  tenancyStartDate?: string | null;
}

export interface BuildActivationInput {
  receivable: ActivationReceivableInput;
  debtor: ActivationDebtorInput;
  /** Raw entries (summarized over the six months before `now`) or a summary; default: no history. */
  history?: readonly PaymentHistoryEntry[] | PaymentHistorySummary;
  now: Date;
  /** IANA zone whose calendar decides today's date for daysOverdue and the history window. */
  timeZone?: string;
  /** The result of classification, once known. */
  classification?: string;
  /** The running case, for branches; missing fields default to nothing sent/seen. */
  case?: Partial<CaseVars>;
}

/**
 * Assembles the CEL variables from a receivable, its debtor, payment history and the current time, so the
 * runtime and the simulator evaluate against exactly the same shape.
 */
export function buildActivation(input: BuildActivationInput): CelActivation {
  const { receivable, debtor, now } = input;
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const today = dayInZone(now, timeZone);
  const due = requireDay(receivable.dueDate, `receivable ${receivable.externalId} dueDate`);
  const balance = receivable.balance ?? receivable.amount;

  const history = isPaymentHistorySummary(input.history)
    ? { ...input.history }
    : input.history
      ? summarizePaymentHistory(input.history, formatDay(today), 6)
      : { ...EMPTY_PAYMENT_HISTORY };

  // Frozen, so that evaluate() converts each map once for all the expressions read against it (bindings.ts).
  const activation: CelActivation = {
    receivable: Object.freeze({
      externalId: receivable.externalId,
      kind: receivable.kind,
      amount: receivable.amount,
      balance,
      currency: receivable.currency ?? 'EUR',
      dueDate: receivable.dueDate,
      stornoReasonCode: receivable.stornoReasonCode ?? '',
      source: receivable.source,
      paid: receivable.paid ?? balance <= 0,
      classification: receivable.classification ?? '',
    }),
    debtor: Object.freeze({
      id: debtor.id,
      locale: debtor.locale ?? '',
      preferredChannel: debtor.preferredChannel ?? '',
      hasEmail: isPresent(debtor.email),
      hasPhone: isPresent(debtor.phone),
      hasAddress: isPresent(debtor.address) || isPresent(debtor.postalAddress),
      tenancyStartDate: debtor.tenancyStartDate ?? '',
    }),
    history: Object.freeze(history),
    now: new Date(now.getTime()),
    daysOverdue: Math.max(0, today - due),
  };
  if (input.classification !== undefined) activation.classification = input.classification;
  if (input.case !== undefined) {
    activation.case = {
      stepsSent: input.case.stepsSent ?? 0,
      opened: input.case.opened ?? false,
      clicked: input.case.clicked ?? false,
      bounced: input.case.bounced ?? false,
      channelsTried: [...(input.case.channelsTried ?? [])],
      costsAdded: input.case.costsAdded ?? 0,
    };
  }
  return activation;
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'object') return Object.values(value).some(isPresent);
  return true;
}
