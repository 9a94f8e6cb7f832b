import type { BundleChannel, ConfigBundle } from '../bundle/types.js';
import type { ComposedMessage } from './compose-message.js';

/** A composed message on its way to one channel's provider. */
export interface OutgoingMessage {
  /** Our message id; also the Message-ID / idempotency key towards the provider. */
  id: string;
  bundle: ConfigBundle;
  channel: BundleChannel;
  recipient: string;
  content: ComposedMessage;
  /**
   * The dispatcher recorded this message with a new id in this very attempt: nothing of it can be in the
   * archive yet, so an adapter need not look there first. Absent on a resend of a recorded message.
   */
  firstSend?: boolean;
  /** Its exact bytes, made and archived by the adapter when the message was recorded (archiveGroup). */
  raw?: Uint8Array;
}

export interface SendResult {
  providerId: string;
}

/** Hands a message to its channel's provider (the dispatcher's adapters, rate limit included). */
export type SendMessage = (message: OutgoingMessage) => Promise<SendResult>;
