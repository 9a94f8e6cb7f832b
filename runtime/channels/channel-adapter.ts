import type { OutgoingMessage, SendResult } from '../../core/messages/index.js';

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
}
