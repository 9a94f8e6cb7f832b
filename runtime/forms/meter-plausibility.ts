import { createError } from '../../core/errors/index.js';
// Is a meter reading plausible? Lower than the last accepted reading is not (meters do not run back);
// nor is a use of more than three times the average yearly use for the time since that reading (at
// least one year's allowance, so a reading shortly after the last one is not judged too strictly).
export interface MeterBaseline {
  reading: number;
  readOn: string;
  /** Average use per year, when known (from the ERP or from earlier readings). */
  yearlyUse?: number | undefined;
}

export type Plausibility =
  | { ok: true }
  | { ok: false; reason: 'lower'; last: number }
  | { ok: false; reason: 'too-high'; limit: number };

export const IMPLAUSIBLE_FACTOR = 3;

const DAY_MS = 86_400_000;

export function yearsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / DAY_MS / 365.25;
}

export function checkReading(
  reading: number,
  readOn: string,
  baseline: MeterBaseline | undefined,
): Plausibility {
  if (!baseline) return { ok: true };
  if (reading < baseline.reading) return { ok: false, reason: 'lower', last: baseline.reading };
  if (baseline.yearlyUse && baseline.yearlyUse > 0) {
    const years = Math.max(1, yearsBetween(baseline.readOn, readOn));
    const limit = Math.round(IMPLAUSIBLE_FACTOR * baseline.yearlyUse * years);
    if (reading - baseline.reading > limit) return { ok: false, reason: 'too-high', limit };
  }
  return { ok: true };
}

/** Average yearly use from the oldest and newest readings, when they lie at least half a year apart. */
export function yearlyUseFrom(readings: readonly { reading: number; readOn: string }[]): number | undefined {
  if (readings.length < 2) return undefined;
  const sorted = [...readings].sort((a, b) => a.readOn.localeCompare(b.readOn));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const years = yearsBetween(first.readOn, last.readOn);
  if (years < 0.5 || last.reading < first.reading) return undefined;
  return (last.reading - first.reading) / years;
}

/** The error for staff (API and console) who enter an implausible reading without confirming it. */
export function implausibleReadingError(
  meterNumber: string,
  reading: number,
  check: Exclude<Plausibility, { ok: true }>,
) {
  const problem =
    check.reason === 'lower'
      ? `reading ${reading} is lower than the last reading ${check.last}`
      : `reading ${reading} uses more than ${check.limit} since the last reading (${IMPLAUSIBLE_FACTOR}× the yearly use)`;
  return createError('OST_ERR_IMPLAUSIBLE_READING', [meterNumber, problem], {
    details: { field: 'reading', reason: check.reason },
  });
}
