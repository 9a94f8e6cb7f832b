import type { OutgoingMessage, SendResult } from '../../core/messages/index.js';

export type { OutgoingMessage, SendResult };

/** One delivery route. Implementations must be safe to call again with the same message id. */
export interface ChannelAdapter {
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}
