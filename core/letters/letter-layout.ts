// The page of a letter, pure: what goes where on A4, in millimetres, and the text of every fixed element.
// The address sits where a Dutch/EU window envelope shows it (C5/6 or DL with the window on the left,
// DIN 5008 form B): window 20 mm from the left edge and 45 mm from the top, 85 x 45 mm. Inside it a
// return line (47 mm), an optional "Aangetekend" marking (52 mm) and up to six address lines from 58 mm.
// runtime/channels/letter-pdf.ts draws this model with pdfkit.
import type { BundleCorporation } from '../bundle/types.js';
import { localDateKey, localDateOf } from '../calendar/index.js';
import type { ReceivableInput } from '../receivable/index.js';
import { formatDate, formatMoney, type Locale } from '../render/index.js';

export const A4_MM = { width: 210, height: 297 } as const;
export const MARGIN_MM = { left: 20, right: 20, bottom: 22 } as const;
/** The envelope window (DIN 5008 form B, NL C5/6 window envelopes). */
export const WINDOW_MM = { left: 20, top: 45, width: 85, height: 45 } as const;
export const RETURN_LINE_TOP_MM = WINDOW_MM.top + 2;
export const REGISTERED_TOP_MM = WINDOW_MM.top + 7;
export const ADDRESS_TOP_MM = WINDOW_MM.top + 13;
/** The reference column to the right of the window: date, references. */
export const INFO_MM = { left: 125, top: 50, width: 65 } as const;
export const SUBJECT_TOP_MM = 100;
export const COLOUR_BAR_MM = 8;
export const QR_SIZE_MM = 32;
export const MM_TO_PT = 72 / 25.4;

export type LetterBlock = { kind: 'text'; text: string } | { kind: 'qr'; url: string };

export interface LetterModel {
  locale: Locale;
  corporation: {
    name: string;
    primaryColor: string;
    accentColor?: string;
    contactLines: string[];
    /** One line above the address, inside the window: where undeliverable mail goes back to. */
    returnLine: string;
  };
  /** Name first, then street and number, postcode and city, and the country when abroad. */
  addressLines: string[];
  registered: boolean;
  info: { label: string; value: string }[];
  subject: string;
  blocks: LetterBlock[];
  payment: { title: string; lines: { label: string; value: string }[]; url?: string; qrCaption: string };
  footer: string;
  pageLabel: (page: number, pages: number) => string;
}

const LABELS = {
  nl: {
    date: 'Datum',
    reference: 'Betalingskenmerk',
    file: 'Ons kenmerk',
    debtor: 'Huurdernummer',
    registered: 'AANGETEKEND',
    paymentTitle: 'Betaalgegevens',
    amount: 'Te betalen',
    scan: 'Scan om te betalen',
    page: (p: number, n: number) => `Pagina ${p} van ${n}`,
  },
  en: {
    date: 'Date',
    reference: 'Payment reference',
    file: 'Our reference',
    debtor: 'Tenant number',
    registered: 'REGISTERED',
    paymentTitle: 'Payment details',
    amount: 'Amount due',
    scan: 'Scan to pay',
    page: (p: number, n: number) => `Page ${p} of ${n}`,
  },
} as const;

export const letterLabels = (locale: Locale) => LABELS[locale];

/** A block that is nothing but a link (what `{{qr "payment"}}` renders to) is drawn as a QR code. */
export function letterBlocks(blocks: string[]): LetterBlock[] {
  return blocks
    .map((b) => b.trim())
    .filter((b) => b.length > 0)
    .map((b) => (/^https?:\/\/\S+$/.test(b) ? { kind: 'qr', url: b } : { kind: 'text', text: b }));
}

const ESTATE = { nl: 'De erven van', en: 'The estate of' } as const;

/**
 * Who a letter to the estate of a deceased debtor is addressed to (Flow spec.onDeceased: estateLetter):
 * "De erven van <naam>" / "The estate of <name>". The address stays the tenant's.
 */
export const estateAddressee = (name: string, locale: Locale) => `${ESTATE[locale]} ${name}`;

export function addressLines(
  name: string,
  address: NonNullable<ReceivableInput['debtor']['address']>,
  homeCountry = 'NL',
): string[] {
  const lines = [
    name,
    `${address.street} ${address.houseNumber}`,
    `${address.postalCode}  ${address.city.toUpperCase()}`,
  ];
  const country = address.country ?? 'NL';
  if (country !== homeCountry) lines.push(countryName(country));
  return lines;
}

function countryName(code: string): string {
  try {
    return (new Intl.DisplayNames(['nl'], { type: 'region' }).of(code) ?? code).toUpperCase();
  } catch {
    return code;
  }
}

export interface LetterInput {
  corporation: BundleCorporation;
  receivable: ReceivableInput & { balance: number };
  locale: Locale;
  subject: string;
  blocks: string[];
  registered: boolean;
  /** The letter goes to the estate of the deceased debtor: the address block names "De erven van …". */
  toEstate?: boolean;
  paymentUrl?: string | undefined;
  now: Date;
}

export function letterModel(input: LetterInput): LetterModel {
  const { corporation: c, receivable: r, locale } = input;
  const labels = letterLabels(locale);
  const address = r.debtor.address;
  const contact = c.contact ?? {};
  const contactLines = [contact.postalAddress, contact.phone, contact.email, contact.website]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .map((v) => v.replace(/^https?:\/\//, ''));
  const currency = r.currency ?? 'EUR';
  const today = localDateKey(localDateOf(input.now, c.timezone));
  const addressee = input.toEstate ? estateAddressee(r.debtor.name, locale) : r.debtor.name;
  return {
    locale,
    corporation: {
      name: c.displayName,
      primaryColor: c.branding?.primaryColor ?? '#1f4e79',
      ...(c.branding?.accentColor ? { accentColor: c.branding.accentColor } : {}),
      contactLines,
      returnLine: [c.displayName, contact.postalAddress].filter(Boolean).join(' · '),
    },
    addressLines: address ? addressLines(addressee, address) : [addressee],
    registered: input.registered,
    info: [
      { label: labels.date, value: formatDate(today, locale, 'long', c.timezone) },
      { label: labels.reference, value: r.paymentReference },
      { label: labels.file, value: r.externalId },
      { label: labels.debtor, value: r.debtor.id },
    ],
    subject: input.subject,
    blocks: letterBlocks(input.blocks),
    payment: {
      title: labels.paymentTitle,
      lines: [
        { label: labels.amount, value: formatMoney(r.balance, currency, locale) },
        { label: labels.reference, value: r.paymentReference },
      ],
      ...(input.paymentUrl ? { url: input.paymentUrl } : {}),
      qrCaption: labels.scan,
    },
    footer: [c.displayName, contact.postalAddress, contact.phone].filter(Boolean).join('  ·  '),
    pageLabel: labels.page,
  };
}
