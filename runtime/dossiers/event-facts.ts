// Which keys of an event's data are facts (ids, amounts, dates, statuses, the flow engine's own wording)
// and which may hold personal data. Used when an event is written (the `personal` flag) and when its data
// is erased (personal-data.ts); docs/privacy.md explains it.
import { sql } from '../../platform/db/index.js';

/**
 * The keys of event data that are facts (ids, amounts, dates, statuses, engine wording), per event type
 * (`*` for every type). Everything else in an event's data is erased; an event carrying anything else is
 * marked `personal` when it is written (insertEvents), so the retention sweep finds it by index.
 */
export const EVENT_FACTS: Readonly<Record<string, readonly string[]>> = {
  '*': [
    'amount',
    'balance',
    'channel',
    'classification',
    'code',
    'decidedBy',
    'erasedAt',
    'flow',
    'id',
    'kind',
    'messageId',
    'meterNumber',
    'needsReview',
    'paidAt',
    'paymentId',
    'previous',
    'reading',
    'readOn',
    'receivables',
    'reviewReason',
    'source',
    'status',
    'stepId',
    'template',
  ],
  // Sentences the flow engine writes; an ERP's free-text reason (receivable.updated) is not one of them.
  'alert.sent': ['reason'],
  // Recorded in the staff console (runtime/console/actions.ts): the plan's dates and amounts.
  'arrangement.recorded': ['reference', 'totalCents', 'terms'],
  // Monitored plans (core/engine/arrangement.ts): amounts, dates, terms, who made it.
  'arrangement.started': ['reference', 'totalCents', 'terms', 'graceDays', 'madeOn'],
  'promise.made': ['reference', 'totalCents', 'terms', 'graceDays', 'madeOn'],
  'arrangement.broken': ['reference', 'term', 'dueOn', 'amountCents', 'outstandingCents', 'graceEndedOn'],
  'promise.broken': ['reference', 'term', 'dueOn', 'amountCents', 'outstandingCents', 'graceEndedOn'],
  'arrangement.completed': ['reference', 'totalCents', 'paidCents'],
  'promise.kept': ['reference', 'totalCents', 'paidCents'],
  'arrangement.ended': ['reference', 'reason'],
  'promise.ended': ['reference', 'reason'],
  // A dossier's final outcome (runtime/dossiers/outcome-events.ts, docs/outcomes.md): figures only.
  'dossier.outcome': [
    'paidInFullWithin',
    'paidPartlyWithin',
    'recovered',
    'arrangement',
    'replied',
    'complaint',
    'costCents',
    'messages',
  ],
  'case.completed': ['reason'],
  // The 14-day letter and the statutory costs (core/engine/notice.ts): dates, amounts and item ids.
  'notice.recorded': [
    'channelType',
    'sentOn',
    'assumedReceiptOn',
    'deadline',
    'costsCents',
    'principalCents',
    'items',
    'currency',
  ],
  'costs.added': [
    'basis',
    'amountCents',
    'vatCents',
    'principalCents',
    'items',
    'noticeMessageId',
    'currency',
  ],
  'earlySignal.created': ['arrearsCents', 'arrearsTerms'],
  'earlySignal.exported': ['file'],
  'case.stopped': ['reason'],
  'link.closed': ['reason'],
  'message.sent': ['reason'],
  // Replies and tasks (runtime/replies): classes, actions and the street's own titles, never reply text.
  'reply.received': ['action', 'reply'],
  'task.created': ['title', 'reply', 'task'],
  'task.closed': ['title', 'task', 'closedBy'],
  // Who changed a task (staff subject or `erp`) and to what: staff, never the debtor.
  'task.updated': ['task', 'assignee', 'snoozedUntil', 'by'],
  'debtor.opted-out': ['reply'],
  'message.registered.delivered': ['trackingNumber', 'date'],
  'message.registered.returned': ['trackingNumber', 'date', 'reason'],
  // Field names and statuses of a debtor's change; its id and the values are personal.
  'debtor.updated': ['fields', 'optOuts'],
  'debtor.status-changed': ['set', 'from', 'until'],
  // Field names and the ERP's version numbers of a correction, never the values.
  'receivable.corrected': ['fields', 'version'],
  'receivable.correction-ignored': ['fields', 'version', 'storedVersion'],
  'step.skipped': ['reason'],
  // A guardrail stopped an experiment's variant (experiment-stops.ts): names, counts and rates.
  'experiment.variant-stopped': [
    'experiment',
    'variant',
    'reason',
    'n',
    'complaints',
    'optOuts',
    'complaintRate',
    'optOutRate',
  ],
};

const ANY_TYPE = new Set(EVENT_FACTS['*']);

/** Whether event data holds anything beyond its facts, and so personal data to erase in time. */
export function holdsPersonalData(type: string, data: Record<string, unknown>): boolean {
  return Object.keys(data).some((key) => !ANY_TYPE.has(key) && !EVENT_FACTS[type]?.includes(key));
}

/** The SET value that keeps only the facts of events.data (for the registry's eraser; the rows of `event_rows`). */
export const eventFactsOnly = sql.fragment`(
  SELECT coalesce(jsonb_object_agg(d.key, d.value), '{}'::jsonb) FROM jsonb_each(event_rows.data) d
  WHERE (${sql.jsonb(EVENT_FACTS as never)}::jsonb -> '*') ? d.key
     OR coalesce((${sql.jsonb(EVENT_FACTS as never)}::jsonb -> event_rows.type) ? d.key, false))`;
