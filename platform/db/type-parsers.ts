import type { DriverTypeParser } from 'slonik';

/**
 * How column values arrive in JavaScript. Replaces slonik's preset (int8 as BigInt, timestamptz as epoch
 * milliseconds) with what the rest of the runtime expects: money in minor units as a plain number, times
 * as Date, calendar dates as 'YYYY-MM-DD' strings (no timezone shift).
 */
export const typeParsers: readonly DriverTypeParser[] = [
  { name: 'int8', parse: parseSafeInteger },
  { name: 'timestamptz', parse: (value) => new Date(value) },
  { name: 'date', parse: (value) => value },
];

function parseSafeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(`int8 value ${value} does not fit a JavaScript number`);
  }
  return number;
}
