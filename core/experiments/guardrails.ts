// Guardrails stop a harmful variant: when the complaint or opt-out rate of a variant is above its
// threshold with confidence (the lower end of the Wilson interval is above it), the variant gets no new
// cases. Judging on the interval, not the raw rate, keeps one early complaint from stopping a variant;
// a variant that truly complains at several times the threshold is stopped within a few hundred cases.
import { type Proportion, wilsonInterval } from './statistics.js';

export interface GuardrailThresholds {
  /** Highest acceptable share of cases with a complaint (0.01 = 1%). */
  complaintRate?: number;
  /** Highest acceptable share of cases that opted out of a channel. */
  optOutRate?: number;
}

export interface ArmHarm {
  n: number;
  /** Cases with a provider complaint report or a reply classed as a complaint (core/outcomes). */
  complaints: number;
  optOuts: number;
}

export interface GuardrailState {
  stopped: boolean;
  /** Which guardrail stopped it: `complaintRate` or `optOutRate`. */
  reason?: 'complaintRate' | 'optOutRate';
  complaintRate: number;
  optOutRate: number;
}

export function guardrailState(arm: ArmHarm, limits: GuardrailThresholds, confidence = 0.95): GuardrailState {
  const rate = (x: number) => (arm.n === 0 ? 0 : x / arm.n);
  const crosses = (x: number, limit: number | undefined) =>
    limit !== undefined &&
    wilsonInterval({ n: arm.n, successes: x } satisfies Proportion, confidence).lower > limit;
  const state = { complaintRate: rate(arm.complaints), optOutRate: rate(arm.optOuts) };
  if (crosses(arm.complaints, limits.complaintRate))
    return { stopped: true, reason: 'complaintRate', ...state };
  if (crosses(arm.optOuts, limits.optOutRate)) return { stopped: true, reason: 'optOutRate', ...state };
  return { stopped: false, ...state };
}
