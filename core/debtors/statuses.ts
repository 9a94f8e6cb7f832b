// Debtor statuses (docs/adr/0007, "Debtor statuses"): what they are, when they are in effect, which
// engine events a change means for the debtor's dossiers, and whether a send may still go out. Pure: the
// PATCH route, the dispatcher's gate and the simulator decide with the same functions.
import type { CaseEvent } from '../engine/index.js';

export type DebtAssistanceKind = 'debt-assistance' | 'moratorium' | 'wsnp';

export interface DebtorStatuses {
  deceased?: { date: string; source?: string };
  debtAssistance?: { kind: DebtAssistanceKind; from: string; until?: string };
  dispute?: { externalIds: string[]; note?: string };
}

export const CHANNEL_TYPES = ['email', 'sms', 'voice', 'letter'] as const;

/** Start of a date (YYYY-MM-DD) or an instant, in ms; dates count from midnight UTC. */
const instant = (t: string) => Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);

/** Whether debt assistance is in effect at `now`: it has begun and (when it has an end) not ended. */
export function isFrozen(s: DebtorStatuses, now: Date): boolean {
  const a = s.debtAssistance;
  if (!a) return false;
  const t = now.getTime();
  return instant(a.from) <= t && (a.until === undefined || t < instant(a.until));
}

/** When a freeze ends, as an instant (ISO 8601), or undefined when it is open-ended. */
export const freezeEnd = (s: DebtorStatuses): string | undefined =>
  s.debtAssistance?.until === undefined ? undefined : new Date(instant(s.debtAssistance.until)).toISOString();

/** The open items of a dossier that the debtor disputes (they leave its total). */
export function disputedItems(s: DebtorStatuses, openExternalIds: readonly string[]): string[] {
  const disputed = new Set(s.dispute?.externalIds ?? []);
  return openExternalIds.filter((id) => disputed.has(id));
}

/** A dossier is held when it has open items and every one of them is disputed. */
export const allDisputed = (s: DebtorStatuses, openExternalIds: readonly string[]) =>
  openExternalIds.length > 0 && disputedItems(s, openExternalIds).length === openExternalIds.length;

/**
 * The engine events one dossier gets when the debtor's statuses change from `before` to `after`:
 * deceased (newly reported), frozen (debt assistance set or changed) or unfrozen (cleared), and
 * disputed/undisputed when whether all its open items are disputed changes.
 */
export function statusEvents(
  before: DebtorStatuses,
  after: DebtorStatuses,
  openExternalIds: readonly string[],
): CaseEvent[] {
  const events: CaseEvent[] = [];
  if (after.deceased && !before.deceased) events.push({ type: 'deceased' });
  const a0 = before.debtAssistance;
  const a1 = after.debtAssistance;
  if (a1 && (a0?.kind !== a1.kind || a0.from !== a1.from || a0.until !== a1.until)) {
    const until = freezeEnd(after);
    events.push({ type: 'frozen', kind: a1.kind, from: a1.from, ...(until ? { until } : {}) });
  } else if (!a1 && a0) events.push({ type: 'unfrozen' });
  const held0 = allDisputed(before, openExternalIds);
  const held1 = allDisputed(after, openExternalIds);
  if (held1 && !held0) events.push({ type: 'disputed' });
  else if (!held1 && held0) events.push({ type: 'undisputed' });
  return events;
}

/**
 * Whether a message may go out for a debtor at `now` (the dispatcher asks under the debtor's lock):
 * never for a deceased debtor, never while frozen, and never on a channel type the debtor opted out of.
 * Alerts go to the corporation's consultants, not to the debtor: they are not gated. The one exception
 * for a deceased debtor is the letter to the estate a flow asks for (spec.onDeceased: estateLetter).
 */
export function sendRefusal(
  s: DebtorStatuses,
  optOuts: readonly string[],
  channelType: string | undefined,
  now: Date,
  /** The send is the estate letter of Flow spec.onDeceased (the engine marks it `estate`). */
  estate = false,
): { hold: boolean; reason: string } | undefined {
  if (s.deceased) {
    if (estate && channelType === 'letter') return undefined;
    return { hold: false, reason: 'the debtor is deceased' };
  }
  if (estate) return { hold: false, reason: 'a letter to the estate is only for a deceased debtor' };
  if (isFrozen(s, now)) return { hold: true, reason: `held: ${s.debtAssistance!.kind} of the debtor` };
  if (channelType && optOuts.includes(channelType))
    return { hold: false, reason: `the debtor opted out of ${channelType}` };
  return undefined;
}
