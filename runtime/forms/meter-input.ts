// What a meter reading's fields must look like, for the tenant's form and for staff entry alike: one
// check (validateMeterFields) behind the form at /f/<token> and the console's paper reading.
import type { Texts } from '../web/index.js';
import type { FieldErrors } from './contact-validation.js';

export const METER_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const READING = /^\d{1,12}$/;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function isPastOrToday(date: string): boolean {
  return DATE.test(date) && !Number.isNaN(Date.parse(date)) && date <= today();
}

export interface MeterFields {
  meterNumber: string;
  reading: number;
  readOn: string;
}

/**
 * The meter number (unless the ERP fixed it), the reading as a whole number and a date that is not in the
 * future; the errors by field in the reader's language.
 */
export function validateMeterFields(
  input: { meterNumber: string; reading: string; readOn: string },
  fixedMeterNumber: string | undefined,
  t: Texts,
): { ok: true; values: MeterFields } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const meterNumber = fixedMeterNumber ?? input.meterNumber.trim();
  if (!fixedMeterNumber && !METER_NUMBER.test(meterNumber)) errors.meterNumber = t.meterNumberRequired;
  const reading = READING.test(input.reading.trim()) ? Number(input.reading.trim()) : undefined;
  if (reading === undefined) errors.reading = t.readingRequired;
  const readOn = input.readOn.trim();
  if (!isPastOrToday(readOn)) errors.readOn = t.readOnInvalid;
  if (Object.keys(errors).length > 0 || reading === undefined) return { ok: false, errors };
  return { ok: true, values: { meterNumber, reading, readOn } };
}
