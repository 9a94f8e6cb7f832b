// Starting a case or a debtor's dossier: the engine's first turn and the rows it asks for, collected for
// one multi-row insert. Intake starts many per batch; a hand-over starts one.
import type { BundleFlow, ConfigBundle } from '../../core/bundle/types.js';
import { engineContext, type ReceivableState } from '../../core/cases/index.js';
import { type EngineResult, startCase } from '../../core/engine/index.js';
import { planEffects, type StepInsert, withoutLinkClosed } from './apply-effects.js';
import { caseTimeline, type EventInput } from './case-repository.js';
import type { CaseItemInsert } from './debtor-dossiers.js';

export interface StartRows {
  cases: Record<string, unknown>[];
  items: CaseItemInsert[];
  steps: StepInsert[];
  events: EventInput[];
}

export const emptyStartRows = (): StartRows => ({ cases: [], items: [], steps: [], events: [] });

export interface CaseStart {
  caseId: string;
  corporation: string;
  bundle: ConfigBundle;
  flow: BundleFlow;
  classification: string;
  /** Who decided: `ruleSet/rule`, `default`, `trigger`, or `handOver:<flow>`. */
  rule: string;
  debtorRef: string | null;
  /** What the engine sees: the receivable, or the dossier's oldest open item with the total. */
  state: ReceivableState;
  /** The receivable the case row points at (a dossier: the one `state` stands for). */
  receivableId: string;
  /** A debtor-scope dossier's items (receivable ids); empty for a per-receivable case. */
  itemIds: readonly string[];
  /** A dossier's open items with their balances (a 14-day letter on its first step costs them); unset: `state`'s. */
  items?: readonly { externalId: string; balance: number }[];
  /** The experiment arm the case was assigned to (docs/experiments.md), with its timeline sentence. */
  experiment?: { experiment: string; arm: string; text: string };
}

/** Runs the engine's first turn and adds the case's rows to `rows`; returns the turn. */
export function startCaseRows(rows: StartRows, s: CaseStart, now: Date): EngineResult {
  const { caseId, corporation, flow, bundle } = s;
  const result = startCase(flow, s.classification, engineContext(bundle, s.state, now, s.items));
  const plan = planEffects(
    { id: caseId, corporation, receivable_id: s.receivableId, flow: flow.name },
    result,
    now,
  );
  const st = result.state;
  const ended = st.status === 'stopped' || st.status === 'completed';
  rows.cases.push({
    id: caseId,
    receivable_id: s.receivableId,
    debtor_ref: s.debtorRef,
    // A receivable of a per-debtor flow that arrives settled runs alone, as a per-receivable case.
    scope: flow.scope === 'debtor' && s.itemIds.length > 0 ? 'debtor' : 'receivable',
    corporation,
    flow: flow.name,
    flow_revision: flow.revision,
    bundle_revision: bundle.revision,
    classification: s.classification,
    rule: s.rule,
    status: st.status,
    cursor: st.cursor,
    state: st,
    timeline: caseTimeline([
      ...(s.experiment ? [{ at: now.toISOString(), text: s.experiment.text }] : []),
      ...result.timeline,
      ...plan.timeline,
    ]),
    ended_at: ended ? now.toISOString() : null,
    end_reason: st.endReason ?? null,
    started_at: now.toISOString(),
    experiment: s.experiment?.experiment ?? null,
    experiment_arm: s.experiment?.arm ?? null,
  });
  for (const receivableId of s.itemIds)
    rows.items.push({ case_id: caseId, receivable_id: receivableId, corporation });
  rows.events.push(
    {
      corporation,
      receivableId: s.receivableId,
      externalId: s.state.input.externalId,
      caseId,
      type: 'case.started',
      data: { flow: flow.name, classification: s.classification, decidedBy: s.rule },
    },
    // No payment link exists yet when a case starts (the first message that shows one makes it). Each
    // names the receivable's externalId, as case.started does, so that they share its row (event-rows.ts).
    ...withoutLinkClosed(plan.events).map((e) => ({
      ...e,
      externalId: e.externalId ?? s.state.input.externalId,
    })),
  );
  rows.steps.push(...plan.steps);
  return result;
}
