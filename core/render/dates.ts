import type { Locale } from './context.js';

export type DateStyle = 'long' | 'short';

const INTL_LOCALE: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

// yyyy-mm-dd, optionally followed by a time and, optionally, a zone (Z or ±hh:mm).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Day, month and year of an instant in a zone; the month spelled out for `long`, a number otherwise. */
function formatter(locale: Locale, style: DateStyle, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}:${style}:${timeZone}`;
  let found = formatters.get(key);
  if (found === undefined) {
    try {
      found = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
        timeZone,
        day: 'numeric',
        month: style === 'long' ? 'long' : 'numeric',
        year: 'numeric',
      });
    } catch (cause) {
      throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`, { cause });
    }
    formatters.set(key, found);
  }
  return found;
}

/**
 * Formats an ISO date for a debtor.
 *
 * nl: long `16 januari 2021`, short `16-01-2021`; en: long `16 January 2021`, short `16/01/2021`.
 *
 * A calendar date (`2021-01-16`) or a local date-time without zone (`2021-01-16T10:00`) is printed as
 * written. An instant (`2021-01-15T23:30:00Z`, `…+01:00`) is converted to `timezone` first, so it prints as
 * 16 January in Europe/Amsterdam. The output is assembled from parts, so it does not depend on the ICU
 * version's choice of separators.
 */
export function formatDate(isoDate: string, locale: Locale, style: DateStyle, timezone: string): string {
  if (locale !== 'nl' && locale !== 'en') {
    throw new TypeError(`locale must be "nl" or "en", got ${JSON.stringify(locale)}`);
  }
  if (style !== 'long' && style !== 'short') {
    throw new TypeError(`date style must be "long" or "short", got ${JSON.stringify(style)}`);
  }
  // Validates the zone even when a calendar date does not need it: a bad zone is a configuration error.
  formatter(locale, style, timezone);

  const text = typeof isoDate === 'string' ? isoDate.trim() : '';
  const match = ISO.exec(text);
  if (match === null) {
    throw new TypeError(`not an ISO date (yyyy-mm-dd or an ISO timestamp): ${JSON.stringify(isoDate)}`);
  }
  const [, y, m, d, , , , zone] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    throw new TypeError(`not a valid calendar date: ${JSON.stringify(isoDate)}`);
  }

  let instant = calendar;
  let timeZone = 'UTC';
  if (zone !== undefined) {
    instant = new Date(text);
    if (Number.isNaN(instant.getTime()))
      throw new TypeError(`not a valid timestamp: ${JSON.stringify(isoDate)}`);
    timeZone = timezone;
  }

  const parts = formatter(locale, style, timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  if (style === 'long') return `${part('day')} ${part('month')} ${part('year')}`;
  const dd = part('day').padStart(2, '0');
  const mm = part('month').padStart(2, '0');
  return locale === 'nl' ? `${dd}-${mm}-${part('year')}` : `${dd}/${mm}/${part('year')}`;
}
