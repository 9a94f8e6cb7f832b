import type { CommonQueryMethods } from 'slonik';
import type { OutgoingMessage, SendResult } from '../../core/messages/index.js';
import type { LinkSeal } from '../dossiers/index.js';

export type { OutgoingMessage, SendResult };

export interface SendOptions {
  /**
   * Aborted when the caller must give up (its claim on the step is lost). An adapter stops its provider
   * call and rejects; it also enforces its own deadline (docs/channels.md, "Timeouts").
   */
  signal?: AbortSignal;
}

/** One delivery route. Implementations must be safe to call again with the same message id. */
export interface ChannelAdapter {
  send(message: OutgoingMessage, options?: SendOptions): Promise<SendResult>;
  close(): Promise<void>;
  /**
   * Optional: messages to debtors recorded together by a dispatcher's group, inside its transaction `tx`.
   * The adapter makes each message's exact bytes and archives them in `tx` (so the message and its
   * archive commit together); it returns the bytes by message id, which the dispatcher hands to `send` as
   * `message.raw`. A channel without it is dispatched one message at a time.
   */
  archiveGroup?(tx: CommonQueryMethods, messages: readonly GroupedMessage[]): Promise<Map<string, Buffer>>;
}

/** A message of a dispatcher's group with the seal of its receivable's links (for the archive). */
export interface GroupedMessage {
  message: OutgoingMessage;
  seal: LinkSeal;
}
