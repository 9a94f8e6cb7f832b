// Times as a collections officer reads them: in the corporation's zone and language, e.g.
// 'ma 2 mrt 2026 09:00' (nl) or 'Mon 2 Mar 2026 09:00' (en).
import { offsetAt } from './zoned-time.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, locale: 'nl' | 'en'): Intl.DateTimeFormat {
  const key = `${locale}:${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

// formatToParts per timeline line was the simulator's hottest Intl call. The zone's offset comes from the
// calendar's per-quarter-hour cache; the weekday and month words are read from the same Intl formatter once
// per zone and language, so the text is the formatter's own.
interface Words {
  weekdays: string[];
  months: string[];
}
const words = new Map<string, Words>();

function partsOf(instant: Date, timeZone: string, locale: 'nl' | 'en'): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone, locale).formatToParts(instant)) parts[p.type] = p.value;
  return parts;
}

function wordsFor(timeZone: string, locale: 'nl' | 'en'): Words {
  const key = `${locale}:${timeZone}`;
  let w = words.get(key);
  if (!w) {
    // Noon UTC on the 15th is the 15th in every zone; 2023-01-01 (a Sunday) starts the weekdays.
    const months = Array.from({ length: 12 }, (_, m) =>
      (partsOf(new Date(Date.UTC(2023, m, 15, 12)), timeZone, locale)['month'] ?? '').replace(/\.$/, ''),
    );
    const weekdays = Array.from({ length: 7 }, (_, d) =>
      (partsOf(new Date(Date.UTC(2023, 0, 1 + d, 12)), timeZone, locale)['weekday'] ?? '').replace(/\.$/, ''),
    );
    w = { weekdays, months };
    words.set(key, w);
  }
  return w;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** A short local date and time for timelines; the engine writes English, the CLI the corporation's language. */
export function localTime(t: Date | string, timeZone: string, locale: 'nl' | 'en' = 'nl'): string {
  const instant = new Date(t);
  const ms = instant.getTime();
  if (Number.isNaN(ms) || ms < Date.UTC(1980, 0, 1) || ms >= Date.UTC(10000, 0, 1))
    return intlLocalTime(instant, timeZone, locale);
  const { weekdays, months } = wordsFor(timeZone, locale);
  const local = new Date(ms + offsetAt(ms, timeZone));
  return `${weekdays[local.getUTCDay()]} ${local.getUTCDate()} ${months[local.getUTCMonth()]} ${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

/** The same text straight from Intl (what localTime gives; the reference its test compares with). */
export function intlLocalTime(t: Date | string, timeZone: string, locale: 'nl' | 'en' = 'nl'): string {
  const parts = partsOf(new Date(t), timeZone, locale);
  const weekday = (parts['weekday'] ?? '').replace(/\.$/, '');
  const month = (parts['month'] ?? '').replace(/\.$/, '');
  return `${weekday} ${parts['day']} ${month} ${parts['year']} ${parts['hour']}:${parts['minute']}`;
}
