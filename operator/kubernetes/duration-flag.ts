// Durations on the operator's command line.

/** Milliseconds from a command-line flag: `15s`, `500ms`, `2m` or a bare number of milliseconds (unlike a flow's calendar durations of core/calendar, which count days and business days). */
export function parseFlagDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration; write it like 500ms, 15s or 2m`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}
