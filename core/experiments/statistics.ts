// Two-proportion statistics for experiment reports. Intervals are score intervals: Wilson (1927) for one
// proportion and Newcombe's hybrid score interval (Newcombe 1998, "method 10") for the difference of two
// independent proportions. Unlike the normal (Wald) approximation they keep close to their nominal
// coverage for small n and for rates near 0 or 1, and never leave [0, 1] or [-1, 1].

export interface Proportion {
  /** How many were exposed (cases in the arm that had time to reach the outcome). */
  n: number;
  /** How many reached the outcome. */
  successes: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** z for a two-sided interval at `confidence` (0.95 → 1.959964). */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Wilson score interval for successes/n at `confidence`; n = 0 gives [0, 1]. */
export function wilsonInterval(x: Proportion, confidence = 0.95): Interval {
  if (x.n === 0) return { lower: 0, upper: 1 };
  const z = zFor(confidence);
  const p = x.successes / x.n;
  const z2 = z * z;
  const centre = p + z2 / (2 * x.n);
  const spread = z * Math.sqrt((p * (1 - p)) / x.n + z2 / (4 * x.n * x.n));
  const denominator = 1 + z2 / x.n;
  return {
    lower: Math.max(0, (centre - spread) / denominator),
    upper: Math.min(1, (centre + spread) / denominator),
  };
}

/** Newcombe's hybrid score interval for p_b − p_a (method 10 of Newcombe 1998). */
export function newcombeInterval(a: Proportion, b: Proportion, confidence = 0.95): Interval {
  const pa = a.n === 0 ? 0 : a.successes / a.n;
  const pb = b.n === 0 ? 0 : b.successes / b.n;
  const wa = wilsonInterval(a, confidence);
  const wb = wilsonInterval(b, confidence);
  const difference = pb - pa;
  return {
    lower: difference - Math.sqrt((pb - wb.lower) ** 2 + (wa.upper - pa) ** 2),
    upper: difference + Math.sqrt((wb.upper - pb) ** 2 + (pa - wa.lower) ** 2),
  };
}

export type Verdict = 'better' | 'worse' | 'inconclusive' | 'too-few';

export interface Comparison {
  difference: number;
  interval: Interval;
  verdict: Verdict;
  conclusive: boolean;
}

/**
 * b against a: `too-few` until both arms have `minimumSample`; then `better`/`worse` when the interval
 * excludes 0, otherwise `inconclusive`.
 */
export function compareProportions(
  a: Proportion,
  b: Proportion,
  options: { confidence: number; minimumSample: number },
): Comparison {
  const interval = newcombeInterval(a, b, options.confidence);
  const difference = (b.n === 0 ? 0 : b.successes / b.n) - (a.n === 0 ? 0 : a.successes / a.n);
  if (a.n < options.minimumSample || b.n < options.minimumSample) {
    return { difference, interval, verdict: 'too-few', conclusive: false };
  }
  const verdict: Verdict = interval.lower > 0 ? 'better' : interval.upper < 0 ? 'worse' : 'inconclusive';
  return { difference, interval, verdict, conclusive: verdict === 'better' || verdict === 'worse' };
}
