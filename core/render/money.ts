import type { Locale } from './context.js';

const INTL_LOCALE: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(currency: string, locale: Locale): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
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
  const formatter = currencyFormatter(currency.toUpperCase(), locale);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const negative = amountMinor < 0;
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const decimal =
    digits === 0
      ? magnitude
      : `${magnitude.slice(0, magnitude.length - digits)}.${magnitude.slice(magnitude.length - digits)}`;
  const formatted = formatter.format(decimal as `${number}`).replace(SPECIAL_SPACES, ' ');
  return negative ? `-${formatted}` : formatted;
}
