import type { ReceivableInput } from '../../core/receivable/index.js';

/** What the ingress puts on JetStream for the intake workers. */
export interface IntakeEnvelope {
  type: 'receivable';
  corporation: string;
  receivedAt: string;
  receivable: ReceivableInput;
}

/** JetStream de-duplicates a repeated post within its window; the intake worker does so forever after. */
export const receivableMsgId = (corporation: string, externalId: string) =>
  `rcv:${corporation}:${externalId}`;
