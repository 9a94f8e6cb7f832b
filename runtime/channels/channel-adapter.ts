import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import type { ComposedMessage } from '../../core/messages/index.js';

export interface OutgoingMessage {
  /** Our message id; also the Message-ID / idempotency key towards the provider. */
  id: string;
  bundle: ConfigBundle;
  channel: BundleChannel;
  recipient: string;
  content: ComposedMessage;
}

export interface SendResult {
  providerId: string;
}

/** One delivery route. Implementations must be safe to call again with the same message id. */
export interface ChannelAdapter {
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}
