// What the dispatcher's steps share: its dependencies, the work on OST_DISPATCH, and what step 1
// (prepare-send.ts) hands to step 2 (dispatch-message.ts).
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import type { Effect } from '../../core/engine/index.js';
import type { ComposedMessage } from '../../core/messages/index.js';
import type { Database } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import type { WriteGroup } from '../../platform/write-group.js';
import type { BundleStore } from '../bundles/index.js';
import type { ChannelRegistry } from '../channels/index.js';
import type { CaseRow, LinkTokens, StepRow } from '../dossiers/index.js';
import type { RuntimeMetrics } from '../metrics/index.js';
import type { SentRecord } from './record-sent.js';

export interface DispatchDeps {
  db: Database;
  bundles: BundleStore;
  channels: ChannelRegistry;
  log: Logger;
  metrics: RuntimeMetrics;
  publicUrl: string;
  /** Makes and recomputes the link tokens a message carries. */
  links: LinkTokens;
  /** Names this replica in the step row while it holds the step. */
  instanceId: string;
  /** A taken step's lease (OST_DISPATCH_LEASE_MS), renewed while its send is in flight. */
  leaseMs: number;
  /** Records sent messages in groups (record-sent.ts); one per dispatcher. */
  sent: WriteGroup<SentRecord>;
}

/** What travels on OST_DISPATCH: a pointer to the step row and the attempt it was queued for. */
export interface DispatchWork {
  stepRowId: string;
  attempt: number;
  caseId: string;
  corporation: string;
  /** For metric labels only. */
  flow: string;
  channel: string;
}

/** `busy`: another dispatcher holds the step and is sending it (a redelivered message); try again later. */
export type DispatchOutcome = 'sent' | 'skipped' | 'failed' | 'retry' | 'stale' | 'busy';

export type SendEffect = Extract<Effect, { type: 'send' }>;
export type AlertEffect = Extract<Effect, { type: 'alert' }>;

/** A recorded message ready for its provider. */
export interface Prepared {
  messageId: string;
  channel: BundleChannel;
  recipients: string[];
  content: ComposedMessage;
  bundle: ConfigBundle;
  caseRow: CaseRow;
  step: StepRow;
  engineMessageId?: string;
  /** Recorded with a new id in this attempt (not a resend of an earlier attempt's message). */
  firstSend?: boolean;
  /** Its exact bytes, made and archived with the message (a group's, ChannelAdapter.archiveGroup). */
  raw?: Buffer;
}

export type Preparation =
  | { kind: 'send'; prepared: Prepared }
  | {
      kind: 'done';
      outcome: 'stale' | 'busy' | 'sent' | 'skipped' | 'failed';
      channel: string;
      flow: string;
      /** The contact budget deferred the step, for this reason (a metric label). */
      deferredBy?: string;
    };
