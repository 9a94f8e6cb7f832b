// The simulator's wire types: what goes in (a bundle, a receivable, events on a virtual clock) and what
// comes out (a readable timeline, the messages and alerts that went out, skipped steps, the case's end).
// Plain JSON, so the CLI can print it as is with --output json.
import type { ConfigBundle } from '../bundle/types.js';
import type { CaseEvent, CaseState, DebtorEvent } from '../engine/index.js';
import type { ComposedMessage } from '../messages/index.js';
import type { ReceivableInput } from '../receivable/index.js';

/** Events about one message: bounced, delivered, opened, clicked, failed. */
export type MessageEventType = Extract<CaseEvent, { messageId: string }>['type'];
/** Events about the receivable's status: arrangement, paused, resumed, cancelled. */
export type StatusEventType = Exclude<
  CaseEvent['type'],
  MessageEventType | 'paid' | 'partiallyPaid' | 'balanceChanged' | 'itemAdded' | DebtorEvent['type']
>;

/** An instant: a Date or an ISO 8601 text with offset. */
export type Instant = Date | string;

/**
 * Something that happens to the case at a virtual time. Message events name the step whose message they
 * are about (the latest message of that step, optionally only on `channel`: a channel name or type).
 */
export type SimEvent =
  | { at: Instant; type: MessageEventType; step: string; channel?: string }
  /** item: the externalId of the dossier item paid; without it, every item of a dossier. */
  | { at: Instant; type: 'paid'; item?: string }
  /**
   * balance: what is still open afterwards, in minor units (cents); item: the dossier item it is about
   * (without it, the oldest open one).
   */
  | { at: Instant; type: 'partiallyPaid' | 'balanceChanged'; balance: number; item?: string }
  | { at: Instant; type: Exclude<StatusEventType, 'arrangement'>; note?: string; item?: string }
  /**
   * A payment arrangement; with `terms` the dossier monitors it as the runtime does (core/engine/arrangement.ts),
   * with the corporation's grace days. `promise` makes it a promise to pay (one term: the day and amount).
   */
  | {
      at: Instant;
      type: 'arrangement';
      note?: string;
      item?: string;
      terms?: { dueOn: string; amount: number }[];
      promise?: boolean;
    }
  /** Another receivable of the same debtor posted at `at` (validated as the ingress would). */
  | { at: Instant; type: 'receivable'; receivable: ReceivableInput }
  | DebtorSimEvent;

/**
 * A debtor status (docs/adr/0007), as PATCH /v1/debtors/{id} sets it: reported deceased; debt assistance
 * (`kind`, default debt-assistance) from `at` until `until` (an offset from the start or an instant) or
 * open-ended; its end; an opt-out of a channel type (email, sms, voice, letter).
 */
export type DebtorSimEvent =
  | { at: Instant; type: 'deceased' }
  | { at: Instant; type: 'frozen'; kind?: string; until?: Instant }
  | { at: Instant; type: 'unfrozen' }
  | { at: Instant; type: 'optOut'; channel: string };

export interface SimulateInput {
  bundle: ConfigBundle;
  /** The ERP receivable; validated (and defaults filled) as the ingress would. */
  receivable: ReceivableInput;
  events?: SimEvent[];
  /** When the receivable arrives: the virtual clock starts here. */
  start: Instant;
  /** The virtual clock stops here; later timers are left pending. */
  until: Instant;
  /** Links the messages carry; default: a payment link on the corporation's payment host. */
  links?: Record<string, string>;
  /**
   * false: messages and alerts are not rendered (no content, and no render error can hold one back) —
   * for replay, which counts contacts and needs speed; default true.
   */
  render?: boolean;
}

export type TimelineKind =
  /** A sentence of the flow engine, as the runtime records it. */
  | 'engine'
  /** A message went out to the debtor. */
  | 'message'
  /** An alert went out to consultants. */
  | 'alert'
  /** The engine asked for a send or alert, but the dispatch rule held it back (case stopped, paid …). */
  | 'withheld'
  /** A send or alert waits for a free slot of the flow's spread (maxPerHour). */
  | 'queued'
  /** A message or alert could not be rendered. */
  | 'error'
  /** An input the simulation fed in (payments, balance changes). */
  | 'event'
  /** Something in the scenario that did not apply (an event about a message that was never sent). */
  | 'warning';

export interface TimelineRow {
  /** ISO 8601 (UTC). */
  at: string;
  text: string;
  stepId?: string;
  kind: TimelineKind;
  /** For 'message' and 'error' rows about a message: its engine id (see SimMessage). */
  messageId?: string;
}

export interface SimMessage {
  at: string;
  step: string;
  /** The engine's id (`<stepId>.<channel>.<n>`); events about the message use it. */
  messageId: string;
  channel: string;
  channelType: string;
  template: string;
  /** 'step', 'fallback after bounce', 'not opened within 2d' … */
  reason: string;
  alsoVia: string[];
  registered: boolean;
  /** Email address, phone number or postal code + house number. */
  recipient: string;
  /** Whom a letter is addressed to when it is not the debtor: the estate ("De erven van …"). */
  addressee?: string;
  /** The rendered message; absent when rendering failed (see error). */
  content?: ComposedMessage;
  error?: { code: string; message: string };
}

export interface SimAlert {
  at: string;
  step: string;
  action: string;
  template: string;
  note?: string;
  recipients: string[];
  content?: ComposedMessage;
  error?: { code: string; message: string };
}

export interface SkippedStep {
  at: string;
  step: string;
  reason: string;
}

/** A send the contact budget moved to a later moment. */
export interface DeferredSend {
  at: string;
  step: string;
  until: string;
  reason: string;
}

export interface CaseEnd {
  status: CaseState['status'];
  /** Why the case ended (or is paused). */
  reason?: string;
  /** When it ended; absent while active. */
  at?: string;
  /** For a case still running at `until`: the step that waits, and when it is due. */
  pending?: { step: string; at: string };
}

export interface SimulationResult {
  corporation: string;
  timezone: string;
  locale: 'nl' | 'en';
  bundleRevision: string;
  classification: string;
  flow: string;
  flowRevision: string;
  /** `ruleSet/rule`, `default` or `trigger`. */
  decidedBy: string;
  start: string;
  until: string;
  timeline: TimelineRow[];
  messages: SimMessage[];
  alerts: SimAlert[];
  skipped: SkippedStep[];
  /** Sends the contact budget deferred (docs/contact-budget.md). */
  deferred: DeferredSend[];
  end: CaseEnd;
  /** Scenario problems, e.g. an event about a step that sent nothing by then. */
  warnings: string[];
  /** The receivable's balance and status at the end. */
  receivable: { balance: number; status: 'open' | 'paid' | 'cancelled' | 'paused' };
  /** The engine's case state at the end. */
  state: CaseState;
  /** A debtor-scope dossier's items at the end (externalId, balance, status). */
  items?: { externalId: string; balance: number; status: string }[];
  /** A handOver step ended the dossier: the flow that takes its open items, and which they were. */
  handedOver?: { at: string; flow: string; reason: string; items: string[]; total: number };
}
