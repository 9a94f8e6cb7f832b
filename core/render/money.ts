import type { Locale } from './context.js';

const INTL_LOCALE: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

interface CurrencyFormat {
  formatter: Intl.NumberFormat;
  /** The currency's minor digits (resolvedOptions() builds an object per call: read once). */
  digits: number;
  /** Formatted amounts by minor units; simulations and replays format the same amounts over and over. */
  done: Map<number, string>;
}

const formats = new Map<string, CurrencyFormat>();
const DONE_LIMIT = 10_000;

function currencyFormat(currency: string, locale: Locale): CurrencyFormat {
  const key = `${locale}:${currency}`;
  let format = formats.get(key);
  if (format === undefined) {
    const formatter = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency });
    format = { formatter, digits: formatter.resolvedOptions().maximumFractionDigits ?? 2, done: new Map() };
    formats.set(key, format);
  }
  return format;
}

/** No-break, narrow no-break and figure spaces that ICU puts around currency signs. */
const SPECIAL_SPACES = /[\u00a0\u2007\u202f]/g;

/**
 * Formats an integer amount of minor units (cents) as money for a debtor.
 *
 * nl: `€ 620,79`, `€ 1.234,56`, `-€ 5,00`; en: `€620.79`, `-€5.00`. Spaces are always plain U+0020 so the
 * output is the same on every ICU build and safe for SMS. The amount is converted exactly (no floating
 * point), honouring the currency's number of minor digits (0 for JPY, 3 for KWD).
 */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new TypeError(
      `amount must be an integer number of minor units (cents), got ${String(amountMinor)}`,
    );
  }
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new TypeError(`currency must be an ISO 4217 code such as "EUR", got ${JSON.stringify(currency)}`);
  }
  if (locale !== 'nl' && locale !== 'en') {
    throw new TypeError(`locale must be "nl" or "en", got ${JSON.stringify(locale)}`);
  }
  const { formatter, digits, done } = currencyFormat(currency.toUpperCase(), locale);
  const known = done.get(amountMinor);
  if (known !== undefined) return known;
  const negative = amountMinor < 0;
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const decimal =
    digits === 0
      ? magnitude
      : `${magnitude.slice(0, magnitude.length - digits)}.${magnitude.slice(magnitude.length - digits)}`;
  const formatted = formatter.format(decimal as `${number}`).replace(SPECIAL_SPACES, ' ');
  const text = negative ? `-${formatted}` : formatted;
  if (done.size >= DONE_LIMIT) done.clear();
  done.set(amountMinor, text);
  return text;
}
