// Outcomes summed per flow (dossiers) and per flow, step and channel (messages, last touch): the shape
// of `GET /v1/outcomes` and of the outcome metrics. runtime/dossiers/outcome-totals.ts computes the same
// sums in SQL; its integration test checks it against this function on the same history.
import type { DossierOutcome, MessageOutcome, Outcome, PerWindow } from './attribution.js';
import { addCents } from './price.js';
import { OUTCOME_WINDOWS } from './rules.js';

export interface OutcomeTotals {
  paidInFull: PerWindow<number>;
  paidPartly: PerWindow<number>;
  recovered: number;
  arrangements: number;
  replies: number;
  complaints: number;
  costCents: number;
}

export interface FlowTotals extends OutcomeTotals {
  flow: string;
  dossiers: number;
  final: number;
}

export interface StepTotals extends OutcomeTotals {
  flow: string;
  step: string;
  channel: string;
  messages: number;
}

export const emptyTotals = (): OutcomeTotals => ({
  paidInFull: { 3: 0, 7: 0, 14: 0, 30: 0 },
  paidPartly: { 3: 0, 7: 0, 14: 0, 30: 0 },
  recovered: 0,
  arrangements: 0,
  replies: 0,
  complaints: 0,
  costCents: 0,
});

function add(into: OutcomeTotals, o: Outcome): void {
  for (const d of OUTCOME_WINDOWS) {
    if (o.paidInFullWithin[d]) into.paidInFull[d]++;
    if (o.paidPartlyWithin[d]) into.paidPartly[d]++;
  }
  into.recovered += o.recovered;
  if (o.arrangement) into.arrangements++;
  if (o.replied) into.replies++;
  if (o.complaint) into.complaints++;
  into.costCents = addCents(into.costCents, o.costCents);
}

export function flowTotals(dossiers: readonly { flow: string; outcome: DossierOutcome }[]): FlowTotals[] {
  const by = new Map<string, FlowTotals>();
  for (const { flow, outcome } of dossiers) {
    const t = by.get(flow) ?? { flow, dossiers: 0, final: 0, ...emptyTotals() };
    by.set(flow, t);
    t.dossiers++;
    if (outcome.final) t.final++;
    add(t, outcome);
  }
  return [...by.values()].sort((a, b) => a.flow.localeCompare(b.flow));
}

export function stepTotals(messages: readonly { flow: string; outcome: MessageOutcome }[]): StepTotals[] {
  const by = new Map<string, StepTotals>();
  for (const { flow, outcome } of messages) {
    const { step, channel } = outcome.message;
    const key = `${flow}\0${step}\0${channel}`;
    const t = by.get(key) ?? { flow, step, channel, messages: 0, ...emptyTotals() };
    by.set(key, t);
    t.messages++;
    add(t, outcome);
  }
  return [...by.values()].sort(
    (a, b) =>
      a.flow.localeCompare(b.flow) || a.step.localeCompare(b.step) || a.channel.localeCompare(b.channel),
  );
}

/** Cents spent per euro recovered, or null when nothing was recovered. */
export function costPerEuroRecovered(t: Pick<OutcomeTotals, 'costCents' | 'recovered'>): number | null {
  return t.recovered > 0 ? Math.round((t.costCents / (t.recovered / 100)) * 100) / 100 : null;
}
