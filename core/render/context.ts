/**
 * The data a template sees. Every object is open (index signature) so templates can read any field the
 * runtime puts in, while the fields every message needs are typed.
 */

export type Locale = 'nl' | 'en';

export const LOCALES: readonly Locale[] = ['nl', 'en'];

export function isLocale(value: unknown): value is Locale {
  return value === 'nl' || value === 'en';
}

/** The parts a template can have per locale. */
export type PartName = 'subject' | 'html' | 'text' | 'sms' | 'voice' | 'letter';

export const PART_NAMES: readonly PartName[] = ['subject', 'html', 'text', 'sms', 'voice', 'letter'];

export interface Branding {
  logoUrl?: string;
  primaryColor: string;
  accentColor?: string;
  [key: string]: unknown;
}

export interface CorporationContact {
  phone?: string;
  email?: string;
  website?: string;
  [key: string]: unknown;
}

export interface CorporationSender {
  name?: string;
  email?: string;
  replyTo?: string;
  phone?: string;
  [key: string]: unknown;
}

export interface CorporationContext {
  name: string;
  branding: Branding;
  contact: CorporationContact;
  sender?: CorporationSender;
  [key: string]: unknown;
}

export interface DebtorContext {
  id: string;
  name: string;
  salutation?: string;
  [key: string]: unknown;
}

export interface ReceivableContext {
  externalId: string;
  kind: string;
  /** Integer amount in minor units (cents). */
  amount: number;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  /** ISO date, e.g. `2021-01-16`. */
  dueDate: string;
  paymentReference: string;
  invoiceNumber?: string;
  description?: string;
  [key: string]: unknown;
}

export interface RenderContext {
  /** Locale of the text; money and date helpers format for it. */
  locale: Locale;
  /** IANA zone used by the `date` helper for timestamps, e.g. `Europe/Amsterdam`. */
  timezone: string;
  /** The render time (ISO timestamp), passed in: this module never reads the clock. */
  now: string;
  corporation: CorporationContext;
  debtor: DebtorContext;
  receivable: ReceivableContext;
  /** Named links, e.g. `payment`, `unsubscribe`; read by `paymentLink`, `link` and `qr`. */
  links: Record<string, string>;
  /** Template-specific variables. */
  vars: Record<string, unknown>;
  [key: string]: unknown;
}
