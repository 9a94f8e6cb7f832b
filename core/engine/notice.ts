// The 14-day letter and the statutory costs as flow steps (docs/collections-law.md § 2 and § 7).
// - A send step with `notice: fourteenDay` records, when the engine asks for the send, the letter's items,
//   its computed term (core/law fourteenDayTerm: email received that day, a letter on the second postal
//   delivery day; 14 days from the day after; Algemene termijnenwet) and the costs it announces (BIK over
//   the items' open principal). Templates read them as notice.deadline / notice.costs.
// - An `addCosts` step adds a cost line only when that letter exists, was not voided, its term ended and
//   the noticed items are still (partly) unpaid; before the term ends it waits for the first chargeable day.
// - A freeze (debt assistance, moratorium) after the letter and before the costs voids the letter for
//   costs: a new letter after the freeze is needed (the conservative reading, see the doc).
import {
  compareLocalDates,
  fromZonedParts,
  type LocalDate,
  localDateKey,
  localDateOf,
  parseLocalDate,
} from '../calendar/index.js';
import { type CostCharge, DUTCH_TIME_ZONE, fourteenDayTerm, letterCollectionCosts } from '../law/index.js';
import type { FlowStep } from '../resources/types.generated.js';
import { amount } from './text.js';
import { emit, note, type Turn } from './turn.js';
import type { CollectionCharge, CollectionSettings, CostLine, NoticeRecord, SentMessage } from './types.js';

const WRITTEN: ReadonlySet<string> = new Set(['email', 'letter']);

function chargesOf(charges: readonly CostCharge[]): CollectionCharge[] {
  return charges.map((c) => ({
    claimIds: c.claimIds,
    principalCents: c.breakdown.principalCents,
    scaleCents: c.breakdown.scaleCents,
    minimumApplied: c.breakdown.minimumApplied,
    maximumApplied: c.breakdown.maximumApplied,
    costsCents: c.breakdown.costsCents,
    vatRateBasisPoints: c.breakdown.vatRateBasisPoints,
    vatCents: c.breakdown.vatCents,
    totalCents: c.breakdown.totalCents,
  }));
}

function openItems(turn: Turn): { externalId: string; balance: number; currency?: string }[] {
  return (turn.ctx.items ?? []).filter((i) => i.balance > 0);
}

/** Costs are charged once per claim (recurring-claims.ts): items a cost line of this dossier covers get none. */
function costsOver(
  settings: CollectionSettings,
  charged: readonly string[],
  items: readonly { externalId: string; principalCents: number }[],
) {
  return letterCollectionCosts(
    {
      claims: items.map((i) => ({ id: i.externalId, principalCents: i.principalCents })),
      alreadyChargedClaimIds: charged,
    },
    {
      ...(settings.vatReclaimable !== undefined ? { vatReclaimable: settings.vatReclaimable } : {}),
      ...(settings.grouping ? { grouping: settings.grouping } : {}),
    },
  );
}

/**
 * The 14-day letter sent now by email or letter for these open items: its computed term and the costs it
 * announces. Pure; the engine records it, and `outputstraat render` shows a template with a sample of it.
 */
export function noticeFor(x: {
  stepId: string;
  messageId: string;
  channelType: 'email' | 'letter';
  now: Date;
  sentAt: string;
  timezone: string;
  settings: CollectionSettings;
  alreadyCharged: readonly string[];
  items: { externalId: string; principalCents: number }[];
  currency: string;
}): NoticeRecord {
  const { settings } = x;
  const term = fourteenDayTerm(x.now, x.channelType, {
    timezone: x.timezone,
    ...(settings.termDays !== undefined ? { termDays: settings.termDays } : {}),
    ...(settings.letterDeliveryDays !== undefined ? { letterDeliveryDays: settings.letterDeliveryDays } : {}),
  });
  const costs = costsOver(settings, x.alreadyCharged, x.items);
  return {
    stepId: x.stepId,
    messageId: x.messageId,
    channelType: x.channelType,
    sentAt: x.sentAt,
    sentOn: localDateKey(term.sentOn),
    assumedReceiptOn: localDateKey(term.assumedReceiptOn),
    deadline: localDateKey(term.lastDay),
    costsChargeableFrom: localDateKey(term.costsChargeableFrom),
    items: x.items,
    principalCents: x.items.reduce((sum, i) => sum + i.principalCents, 0),
    currency: x.currency,
    costsCents: costs.totalCents,
    charges: chargesOf(costs.charges),
  };
}

/** Records the 14-day letter a send step just asked for; a message that is not written is no notice. */
export function recordNotice(turn: Turn, stepId: string, message: SentMessage): void {
  if (!WRITTEN.has(message.channelType)) {
    note(
      turn,
      `Not a 14-day letter: it went by ${message.channelType}, and the law asks for a written reminder (letter or email); no costs can follow from it`,
      stepId,
    );
    return;
  }
  const items = openItems(turn).map((i) => ({ externalId: i.externalId, principalCents: i.balance }));
  if (items.length === 0) {
    note(turn, 'Not a 14-day letter: nothing is open in the dossier', stepId);
    return;
  }
  const notice = noticeFor({
    stepId,
    messageId: message.messageId,
    channelType: message.channelType as 'email' | 'letter',
    now: turn.ctx.now,
    sentAt: turn.at,
    timezone: turn.ctx.calendar.timezone ?? DUTCH_TIME_ZONE,
    settings: turn.ctx.collections ?? {},
    alreadyCharged: (turn.state.costs ?? []).flatMap((c) => c.items),
    items,
    currency: openItems(turn)[0]?.currency ?? 'EUR',
  });
  // The same letter by post and by email in one instant: the later deadline holds (the creditor carries
  // the risk of a late receipt), so the email copy never shortens the letter's term.
  const earlier = turn.state.notice;
  if (earlier && !earlier.voided && earlier.sentAt === notice.sentAt && earlier.deadline >= notice.deadline) {
    note(
      turn,
      `Also the 14-day letter, by ${notice.channelType}: the term of the ${earlier.channelType} (pay by ${earlier.deadline}) holds`,
      stepId,
    );
    return;
  }
  turn.state.notice = notice;
  emit(turn, { type: 'notice', stepId, notice });
  note(
    turn,
    `14-day letter: ${items.length} item(s), principal ${amount(notice.principalCents)}; received ${notice.assumedReceiptOn} (assumed), pay by ${notice.deadline}; statutory costs ${amount(notice.costsCents)} from ${notice.costsChargeableFrom}`,
    stepId,
  );
}

/** A freeze voids a letter whose costs were not added yet: costs then need a new letter after the freeze. */
export function voidNoticeForFreeze(turn: Turn, kind: string): void {
  const n = turn.state.notice;
  if (!n || n.voided || (turn.state.costs ?? []).some((c) => c.noticeMessageId === n.messageId)) return;
  n.voided = `the debtor was frozen (${kind}) after the 14-day letter of ${n.sentOn}`;
  note(turn, `The 14-day letter of ${n.sentOn} no longer supports costs: ${n.voided}`);
}

/**
 * A payment arrangement made before the letter's term ended replaces the demand to pay within it: the
 * letter no longer supports costs (a broken arrangement needs a new 14-day letter for them).
 */
export function voidNoticeForArrangement(turn: Turn): void {
  const n = turn.state.notice;
  if (!n || n.voided || (turn.state.costs ?? []).some((c) => c.noticeMessageId === n.messageId)) return;
  const today = localDateOf(turn.ctx.now, turn.ctx.calendar.timezone ?? DUTCH_TIME_ZONE);
  if (compareLocalDates(today, parseLocalDate(n.costsChargeableFrom)!) >= 0) return;
  n.voided = `a payment arrangement was made within the term of the 14-day letter of ${n.sentOn}`;
  note(turn, `The 14-day letter of ${n.sentOn} no longer supports costs: ${n.voided}`);
}

/** The first instant of a local date in the corporation's zone. */
function startOf(date: LocalDate, timezone: string): Date {
  return fromZonedParts({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone, {
    gap: 'next-valid',
  });
}

export type AddCostsOutcome =
  | { kind: 'added'; line: CostLine }
  | { kind: 'skipped'; reason: string }
  /** The term has not ended: run the step again at `at`. */
  | { kind: 'wait'; at: Date; reason: string };

/** What an addCosts step does now (pure decision; runAddCosts carries it out). */
export function decideCosts(turn: Turn, stepId: string): AddCostsOutcome {
  const n = turn.state.notice;
  if (!n) return { kind: 'skipped', reason: 'no 14-day letter was sent in this dossier, so no costs' };
  if (n.voided) return { kind: 'skipped', reason: `no costs: ${n.voided}; send a new 14-day letter` };
  if ((turn.state.costs ?? []).some((c) => c.noticeMessageId === n.messageId)) {
    return { kind: 'skipped', reason: `the costs of the 14-day letter of ${n.sentOn} were already added` };
  }
  const timezone = turn.ctx.calendar.timezone ?? DUTCH_TIME_ZONE;
  const from = parseLocalDate(n.costsChargeableFrom)!;
  if (compareLocalDates(localDateOf(turn.ctx.now, timezone), from) < 0) {
    return { kind: 'wait', at: startOf(from, timezone), reason: `the 14-day term runs until ${n.deadline}` };
  }
  const open = new Map(openItems(turn).map((i) => [i.externalId, i.balance]));
  const still = n.items.flatMap((i) => {
    const balance = Math.min(open.get(i.externalId) ?? 0, i.principalCents);
    return balance > 0 ? [{ externalId: i.externalId, principalCents: balance }] : [];
  });
  if (still.length === 0) {
    return { kind: 'skipped', reason: `the items of the 14-day letter were paid by ${n.deadline}: no costs` };
  }
  // Never more than the letter announced; less when part was paid in the term.
  const costs = costsOver(
    turn.ctx.collections ?? {},
    (turn.state.costs ?? []).flatMap((c) => c.items),
    still,
  );
  if (costs.totalCents === 0) {
    return { kind: 'skipped', reason: 'the costs of these items were charged before in this dossier' };
  }
  const amountCents = Math.min(costs.totalCents, n.costsCents);
  const vatCents = Math.min(
    costs.charges.reduce((sum, c) => sum + c.breakdown.vatCents, 0),
    amountCents,
  );
  return {
    kind: 'added',
    line: {
      stepId,
      at: turn.at,
      basis: 'statutory',
      amountCents,
      vatCents,
      principalCents: costs.charges.reduce((sum, c) => sum + c.breakdown.principalCents, 0),
      items: costs.charges.flatMap((c) => c.claimIds),
      noticeMessageId: n.messageId,
    },
  };
}

/** Runs an addCosts step; false when it waits for the term's end (a timer is set). */
export function runAddCosts(
  turn: Turn,
  step: FlowStep,
  schedule: (at: Date) => void,
  skip: (reason: string) => void,
): boolean {
  const outcome = decideCosts(turn, step.id);
  if (outcome.kind === 'wait') {
    note(turn, `Costs wait: ${outcome.reason}`, step.id);
    schedule(outcome.at);
    return false;
  }
  if (outcome.kind === 'skipped') {
    skip(outcome.reason);
    turn.state.cursor++;
    return true;
  }
  const line = outcome.line;
  turn.state.costs = [...(turn.state.costs ?? []), line];
  emit(turn, { type: 'costsAdded', stepId: step.id, line });
  note(
    turn,
    `Statutory collection costs of ${amount(line.amountCents)} added over a principal of ${amount(line.principalCents)} (the 14-day term ended ${turn.state.notice?.deadline} unpaid)`,
    step.id,
  );
  turn.state.cursor++;
  return true;
}
