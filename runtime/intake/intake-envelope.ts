import { createHash } from 'node:crypto';
import { canonicalJson, type ReceivableInput } from '../../core/receivable/index.js';

/** One receivable posted as JSON: JetStream's msgID dedupe answers `duplicate` per externalId and content. */
export interface SingleIntakeEnvelope {
  type: 'receivable';
  corporation: string;
  receivedAt: string;
  receivable: ReceivableInput;
}

/**
 * A run of good NDJSON lines in one message. One publish and one fsync carry hundreds of receivables,
 * which is what lets a rent-day run through JetStream at more than its per-message rate.
 */
export interface ChunkIntakeEnvelope {
  type: 'receivables';
  corporation: string;
  receivedAt: string;
  receivables: ReceivableInput[];
}

/** What the ingress puts on JetStream for the intake workers. */
export type IntakeEnvelope = SingleIntakeEnvelope | ChunkIntakeEnvelope;

/** Header with the number of receivables in a message, so intake can size its batches before parsing. */
export const RECEIVABLE_COUNT_HEADER = 'Ost-Receivables';

/** The receivables one intake message carries, whichever its shape. */
export function receivablesOf(envelope: IntakeEnvelope): readonly ReceivableInput[] {
  return envelope.type === 'receivables' ? envelope.receivables : [envelope.receivable];
}

/**
 * JetStream de-duplicates a repeated post within its window; the intake worker does so forever after. The
 * id is (externalId, content hash): a correction (changed content) is a new message, not a duplicate.
 */
export const receivableMsgId = (corporation: string, receivable: ReceivableInput) =>
  `rcv:${corporation}:${receivable.externalId}:${createHash('sha256').update(canonicalJson(receivable)).digest('base64url')}`;

/**
 * A chunk's msgID is the hash of its receivables: the same NDJSON posted again (an ERP retrying after a
 * timeout) splits into the same chunks and JetStream drops them; anything else is caught by intake.
 */
export const chunkMsgId = (corporation: string, receivablesJson: string) =>
  `rcvs:${corporation}:${createHash('sha256').update(receivablesJson).digest('base64url')}`;
