// The flow engine's wire types: the case state the runtime stores, the inputs that wake a case, the
// effects the engine asks for and the ports through which it reads the calendar, CEL and the debtor.
// Everything here is plain JSON (state, inputs, effects, timeline) or a pure function (ports).
import type { BundleFlow } from '../bundle/types.js';

/** One message the engine asked to send; events about it are matched by messageId. */
export interface SentMessage {
  /** Assigned by the engine (`<stepId>.<channel>.<n>`); the runtime maps provider ids to it. */
  messageId: string;
  stepId: string;
  channel: string;
  channelType: string;
  template: string;
  /** When the send was asked for (ISO 8601). */
  at: string;
  opened?: boolean;
  clicked?: boolean;
  bounced?: boolean;
  delivered?: boolean;
  failed?: boolean;
}

/**
 * A timer on a message or a reaction: `notOpened` checks whether a message was opened in time;
 * `deferred` is a reaction (fallback, send, alert) held back until the dispatch window opens.
 */
export interface CaseWatch {
  kind: 'notOpened' | 'deferred';
  /** The message it is about; for a deferred reaction to a case event, `event:<type>@<time>`. */
  messageId: string;
  /** Index into flow.reactions. */
  reaction: number;
  at: string;
}

/** JSON-serialisable; the runtime stores it in cases.state. */
export interface CaseState {
  status: 'active' | 'paused' | 'stopped' | 'completed';
  /** Index of the next step to run. */
  cursor: number;
  classification: string;
  messages: SentMessage[];
  /** Channel names used in this case, in order of first use. */
  channelsTried: string[];
  /** The step waiting on a timer (a wait's next step, a deferred step, or the wait itself at the end). */
  pendingStepId?: string;
  /** When the pending step is due (ISO 8601); a resume never brings it forward. */
  pendingAt?: string;
  watches: CaseWatch[];
  /** Ids of send and alert steps that ran: such a step never runs twice, not even through a branch. */
  done: string[];
  startedAt?: string;
  endReason?: string;
  linkClosed?: boolean;
  /** Debtor statuses holding the case paused ('freeze', 'dispute'); it resumes when none is left. */
  holds?: string[];
  /** When the debtor's freeze ends (ISO 8601): a timer then resumes the case. */
  frozenUntil?: string;
  /** The payment arrangement or promise to pay the dossier waits on while it runs (arrangement.ts). */
  arrangement?: CaseArrangement;
  /** The dossier's 14-day letter (a send step with notice fourteenDay); the latest one when there are more. */
  notice?: NoticeRecord;
  /** Cost lines added by addCosts steps; dossier totals include them. */
  costs?: CostLine[];
}

/** A 14-day letter as the engine recorded it when it asked for the send (notice.ts). Dates are local. */
export interface NoticeRecord {
  stepId: string;
  messageId: string;
  channelType: 'email' | 'letter';
  /** When the send was asked for (ISO 8601). */
  sentAt: string;
  sentOn: string;
  assumedReceiptOn: string;
  /** Last day of the term, inclusive (YYYY-MM-DD): a payment on this day is in time. */
  deadline: string;
  /** The first day the costs may be added. */
  costsChargeableFrom: string;
  /** The items the letter demands, with their open principal when it was sent (cents). */
  items: { externalId: string; principalCents: number }[];
  principalCents: number;
  currency: string;
  /** The costs the letter announces (VAT included where it applies), and how they were computed. */
  costsCents: number;
  charges: CollectionCharge[];
  /** Why the letter no longer supports costs (a freeze during or after its term); unset while it does. */
  voided?: string;
}

/** One application of the BIK scale (per letter, or per item under grouping per-claim). */
export interface CollectionCharge {
  claimIds: string[];
  principalCents: number;
  scaleCents: number;
  minimumApplied: boolean;
  maximumApplied: boolean;
  costsCents: number;
  vatRateBasisPoints: number;
  vatCents: number;
  totalCents: number;
}

/** A cost line on the dossier. */
export interface CostLine {
  stepId: string;
  at: string;
  basis: 'statutory';
  amountCents: number;
  vatCents: number;
  /** The principal the amount was computed over (the noticed items still open when the term ended). */
  principalCents: number;
  items: string[];
  noticeMessageId: string;
}

/** The corporation's collections-law settings (Corporation spec.collections.costs) the engine uses. */
export interface CollectionSettings {
  vatReclaimable?: boolean;
  grouping?: 'per-letter' | 'per-claim';
  termDays?: number;
  letterDeliveryDays?: number;
}

/** An instalment of a plan: due on a local date (YYYY-MM-DD), an amount in minor units. */
export interface PlanTerm {
  dueOn: string;
  amountCents: number;
}

/** A plan as reported to the engine: by the ERP, a consultant or the tenant on the payment page. */
export interface PlanInput {
  /** plan: instalments (betalingsregeling); promise: one amount by one day (betaalbelofte). */
  kind: 'plan' | 'promise';
  /** Who made it: the ERP, a consultant in the console, the tenant on the payment page. */
  source: 'erp' | 'console' | 'tenant';
  reference?: string;
  /** Local date (YYYY-MM-DD) the plan was made; payments before it do not count. */
  madeOn: string;
  terms: PlanTerm[];
  /** Calendar days after a term's due date within which a payment is still in time. */
  graceDays: number;
}

/** A running plan in the case state, with the payments matched to it so far. */
export interface CaseArrangement extends PlanInput {
  totalCents: number;
  payments: { paidOn: string; amountCents: number }[];
  /** The open total last heard of; a lower one is a payment towards the plan. */
  lastBalance?: number;
  /** The instalment (1-based) the flow's reminder last went out for. */
  remindedTerm?: number;
}

export type MessageEventType = 'bounced' | 'delivered' | 'opened' | 'clicked' | 'failed';
export type BalanceEventType = 'paid' | 'partiallyPaid' | 'balanceChanged';
export type StatusEventType = 'arrangement' | 'paused' | 'resumed' | 'cancelled';

export type CaseEvent =
  | { type: MessageEventType; messageId: string }
  /** balance: what is still open, in minor units (cents). */
  | { type: BalanceEventType; balance?: number }
  /** reply: a pause asked for by the tenant's reply of this class (runtime/replies), not by the ERP. */
  | { type: Exclude<StatusEventType, 'arrangement'>; note?: string; reply?: string }
  /** A payment arrangement was made; with `plan` the engine monitors it (pauses, checks each term). */
  | { type: 'arrangement'; note?: string; plan?: PlanInput }
  /**
   * A debtor-scope dossier took another open receivable (ADR 0007): `balance` is the dossier's new total
   * in minor units, `externalId` the receivable that joined.
   */
  | { type: 'itemAdded'; balance: number; externalId?: string }
  | DebtorEvent;

/** A debtor status changed (docs/adr/0007): fed to every running dossier of the debtor. */
export type DebtorEvent =
  | { type: 'deceased' }
  /** Debt assistance, a moratorium or WSNP from `from`, until `until` (an instant) or open-ended. */
  | { type: 'frozen'; kind: string; from?: string; until?: string }
  | { type: 'unfrozen' }
  /** Every open item of the dossier is disputed / no longer. */
  | { type: 'disputed' }
  | { type: 'undisputed' };

/** The watch id of a freeze's end timer: a `watch` input with it unfreezes when the freeze is over. */
export const FREEZE_END_WATCH = 'debtor:frozen-until';

/** The step id of the letter to a deceased debtor's estate (Flow spec.onDeceased): timeline, messages, steps. */
export const ESTATE_LETTER_STEP = 'onDeceased';
/** The watch id of an arrangement's check: the day after a term's grace period ends. */
export const ARRANGEMENT_WATCH = 'arrangement:check';

/** The watch id of the reminder before an arrangement's next instalment (flow spec.arrangement.reminder). */
export const ARRANGEMENT_REMINDER_WATCH = 'arrangement:reminder';

export type EngineInput =
  | { type: 'start' }
  /** A scheduled step's time has come. */
  | { type: 'due'; stepId: string }
  /** A watch (notOpened check or deferred reaction) is due. */
  | { type: 'watch'; messageId: string; reaction: number }
  | { type: 'event'; event: CaseEvent };

export type Effect =
  /** Run this step at `at` (dispatch window applied) by feeding back a `due` input. */
  | { type: 'schedule'; stepId: string; at: string; deferredBecause?: string }
  | {
      type: 'send';
      stepId: string;
      messageId: string;
      channel: string;
      channelType?: string;
      template: string;
      alsoVia: string[];
      registered: boolean;
      /**
       * A letter to the estate of a deceased debtor (Flow spec.onDeceased: estateLetter): the one send that
       * goes out although the case stopped and the debtor is deceased, addressed "De erven van <naam>".
       */
      estate?: boolean;
      /** 'step' | 'fallback after bounce' | 'not opened within 2d' | 'reaction to clicked' … */
      reason: string;
      /** Goes out although the dossier is paused: a reminder before an arrangement's instalment. */
      duringPause?: boolean;
    }
  | {
      type: 'alert';
      stepId: string;
      action: string;
      template: string;
      note?: string;
      /**
       * The alert tells the consultants why the case ended (deceased) or why it stays paused (a freeze ended
       * under onFreezeEnd: alert): it goes out although the case stopped or is paused.
       */
      aboutEnd?: boolean;
    }
  | { type: 'skip'; stepId: string; reason: string }
  /**
   * Cancel every pending timer of the case (step timers and watches) and every send and alert asked for
   * that has not gone out yet (waiting for a spread slot, quiet hours or a retry): the case ends or moves on.
   */
  | { type: 'cancelScheduled'; reason: string }
  /**
   * The case is paused: cancel its pending timers (the state keeps them; a resume sets them again) and
   * hold the sends and alerts asked for that have not gone out yet, until `release` (or a
   * `cancelScheduled` when the case ends meanwhile). Nothing asked for is lost by a pause.
   */
  | { type: 'hold'; reason: string }
  /**
   * The case is resumed: what `hold` held goes out at its own time, but not before `notBefore` (now, or
   * the dispatch window's next opening); a held send whose time passed gets a new spread slot from then.
   */
  | { type: 'release'; reason: string; notBefore: string }
  /** Feed back a `watch` input at `at`. */
  | { type: 'watch'; messageId: string; reaction: number; at: string }
  | { type: 'closeLink'; reason: string }
  /**
   * A handOver step ended the dossier: its open items go to the debtor's dossier of `flow` (joined when
   * one runs, else started). The runtime (and the simulator) carry it out; the engine only asks.
   */
  | { type: 'handOver'; stepId: string; flow: string; reason: string }
  /** A 14-day letter was asked for: the dossier records it (the runtime puts it on the event feed). */
  | { type: 'notice'; stepId: string; notice: NoticeRecord }
  /** An addCosts step added a cost line to the dossier. */
  | { type: 'costsAdded'; stepId: string; line: CostLine }
  | { type: 'end'; status: 'stopped' | 'completed'; reason: string }
  /** Write an event on the feed (arrangement.broken, arrangement.completed, promise.broken …). */
  | { type: 'record'; event: string; data: Record<string, unknown> };

/** A plain sentence a collections officer can read. */
export interface TimelineEntry {
  at: string;
  stepId?: string;
  text: string;
}

export type FlowWindow = NonNullable<BundleFlow['window']>;

/** The calendar, in the corporation's time zone and holidays (core/calendar behind it). */
export interface CalendarPort {
  /** start + a duration text such as '5d', '3bd', '2h', '1d12h'. */
  addDuration(start: Date, duration: string): Date;
  /** The first instant >= t inside the window (t itself when it is inside). */
  nextOpening(t: Date, window: FlowWindow): Date;
  /** Why `from` was moved to `to` ('weekend', 'public holiday: …'); undefined when unknown. */
  explainDeferral?(from: Date, to: Date, window: FlowWindow): string | undefined;
  /** IANA zone used to write local times in the timeline; UTC when unset. */
  timezone?: string;
}

/** The `case` map of the branch environment (see core/cel/variables.ts). */
export interface CaseVariables {
  /** Distinct steps that sent a message. */
  stepsSent: number;
  /** A message was opened (or clicked). */
  opened: boolean;
  clicked: boolean;
  bounced: boolean;
  /** Channel types tried so far, in order. */
  channelsTried: string[];
  /** Collection costs the case added (addCosts steps), in minor units. */
  costsAdded: number;
}

export interface EvaluationVars {
  classification: string;
  case?: CaseVariables;
}

export interface EngineContext {
  /** The current instant; the engine never reads the clock. */
  now: Date;
  calendar: CalendarPort;
  /**
   * Evaluates a CEL expression of the flow — a precondition, or a branch case (then `vars.case` is set)
   * — over the current receivable, debtor and history plus `vars`. May throw; the engine then fails closed.
   */
  evaluate(expr: string, vars: EvaluationVars, env: 'precondition' | 'branch'): boolean;
  debtor: { preferredChannel?: string };
  /** Whether the debtor can be reached on the named channel (has an email, phone or address). */
  reachable(channel: string): boolean;
  /** The type (email, sms, letter, voice, webhook) of a channel in the bundle; undefined when unknown. */
  channelType(channel: string): string | undefined;
  /** The dossier's open items (a receivable-scope case: its one receivable), for the 14-day letter's costs. */
  items?: readonly { externalId: string; balance: number; currency?: string }[];
  /** Spec.collections.costs of the corporation; absent: the defaults of docs/collections-law.md. */
  collections?: CollectionSettings;
}

export interface EngineResult {
  state: CaseState;
  effects: Effect[];
  timeline: TimelineEntry[];
}
