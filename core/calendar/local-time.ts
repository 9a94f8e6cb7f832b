// Times as a collections officer reads them: in the corporation's zone and language, e.g.
// 'ma 2 mrt 2026 09:00' (nl) or 'Mon 2 Mar 2026 09:00' (en).
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

/** A short local date and time for timelines; the engine writes English, the CLI the corporation's language. */
export function localTime(t: Date | string, timeZone: string, locale: 'nl' | 'en' = 'nl'): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone, locale).formatToParts(new Date(t))) parts[p.type] = p.value;
  const weekday = (parts['weekday'] ?? '').replace(/\.$/, '');
  const month = (parts['month'] ?? '').replace(/\.$/, '');
  return `${weekday} ${parts['day']} ${month} ${parts['year']} ${parts['hour']}:${parts['minute']}`;
}
