// A Channel's declared price per message (`spec.pricePerMessage`, a decimal string in the currency's
// main unit, e.g. "0.075" for an SMS at 7.5 cents). Kept as a string in the resource so no float is
// ever written into git; turned into cents (a number that may carry fractions of a cent) here.

const PRICE = /^(\d{1,6})(?:\.(\d{1,4}))?$/;

/** Cents for a price string, or undefined when none is declared. Throws on a malformed price. */
export function priceCents(price: string | undefined): number | undefined {
  if (price === undefined) return undefined;
  const m = PRICE.exec(price);
  if (!m) throw new RangeError(`pricePerMessage "${price}" is not a decimal such as 0.08`);
  const whole = Number(m[1]) * 100;
  const fraction = (m[2] ?? '').padEnd(4, '0');
  return whole + Number(fraction) / 100;
}

/** Sum of cents without binary-fraction drift (prices have at most 2 decimals of a cent). */
export function addCents(a: number, b: number): number {
  return Math.round((a + b) * 100) / 100;
}
