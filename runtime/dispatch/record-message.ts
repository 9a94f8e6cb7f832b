// The message row of step 1, under the case lock: an earlier attempt's message is sent again with the
// same id (at-least-once towards the provider, never a second different message), or a new one is
// recorded with its exact content (status 'sending', link tokens sealed) before the provider gets it.
// A message whose exact bytes its adapter archives in the same transaction (prepare-group.ts) is stored
// without the bodies those bytes hold (withoutArchivedBodies): an email's HTML and text are written once,
// in its `eml` part, and a resend hands over those bytes.
import { randomUUID } from 'node:crypto';
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import type { ComposedMessage } from '../../core/messages/index.js';
import { priceCents } from '../../core/outcomes/index.js';
import { sql } from '../../platform/db/index.js';
import {
  type CaseRow,
  type LinkSeal,
  type LinkTokens,
  linkSealFor,
  type ReceivableRow,
  type StepRow,
  type Tx,
} from '../dossiers/index.js';
import type { Prepared } from './dispatch-types.js';

/** An earlier attempt of this step recorded a message: resend it (same id) or finish without sending. */
export async function existingMessage(tx: Tx, step: StepRow, c: CaseRow) {
  return tx.maybeOne(sql.unsafe`
    SELECT id, channel, recipient, content, engine_message_id, status, receivable_id FROM messages
    WHERE step_row_id = ${step.id}
       OR (step_row_id IS NULL AND case_id = ${c.id} AND step_id = ${step.step_id} AND status = 'sending'
           AND engine_message_id IS NOT DISTINCT FROM ${(step.payload.messageId as string) ?? null})
    ORDER BY created_at DESC LIMIT 1`);
}

type ExistingMessage = NonNullable<Awaited<ReturnType<typeof existingMessage>>>;

/** The earlier attempt's message, as it was recorded, to be handed over again; undefined without its channel. */
export async function resendExisting(
  tx: Tx,
  links: LinkTokens,
  existing: ExistingMessage,
  bundle: ConfigBundle,
  c: CaseRow,
  step: StepRow,
): Promise<Prepared | undefined> {
  const channel = bundle.channels[existing.channel as string];
  if (!channel) return undefined;
  // Sealed with the links of the receivable it was recorded for (a dossier's may have moved on).
  const seal = await linkSealFor(tx, links, { receivableId: existing.receivable_id as string });
  if (existing.status !== 'sending') {
    await tx.query(sql.unsafe`UPDATE messages SET status = 'sending' WHERE id = ${existing.id}`);
  }
  return {
    messageId: existing.id as string,
    channel,
    recipients: (existing.recipient as string).split(','),
    content: seal.unsealJson(existing.content as unknown as ComposedMessage),
    bundle,
    caseRow: c,
    step,
    ...(existing.engine_message_id ? { engineMessageId: existing.engine_message_id as string } : {}),
  };
}

/** What a new message is recorded from: the send, its content and the seal of its receivable's links. */
export interface NewMessage {
  /** The seal of the receivable's links, read with them (linksForTemplate). */
  seal: LinkSeal;
  bundle: ConfigBundle;
  c: CaseRow;
  step: StepRow;
  about: ReceivableRow;
  channel: BundleChannel;
  recipients: string[];
  content: ComposedMessage;
  now: Date;
  /** Its adapter archives the exact bytes in this transaction: store the content without their bodies. */
  bytesArchived?: boolean;
}

/**
 * The content to store for a message whose exact bytes are archived with it: without an email's HTML and
 * text, which its `eml` part holds (about 6 KB a mail less to write, parse and compress). Other channel
 * types keep their content whole: their adapters render again from it.
 */
export function withoutArchivedBodies(content: ComposedMessage): ComposedMessage {
  if (content.channelType !== 'email') return content;
  const { html: _html, text: _text, ...rest } = content;
  return rest;
}

/** New messages, recorded 'sending' with their exact content before the provider gets them (one statement). */
export async function recordNewMessages(tx: Tx, messages: readonly NewMessage[]): Promise<Prepared[]> {
  if (messages.length === 0) return [];
  const prepared: Prepared[] = [];
  const rows = messages.map((m) => {
    const { c, step, about, channel, recipients, content } = m;
    const messageId = randomUUID();
    const engineMessageId = step.kind === 'send' ? (step.payload.messageId as string) : undefined;
    prepared.push({
      messageId,
      channel,
      recipients,
      content,
      bundle: m.bundle,
      caseRow: c,
      step,
      ...(engineMessageId ? { engineMessageId } : {}),
      firstSend: true,
    });
    // Stored with its link tokens sealed; the adapter gets them as rendered.
    const stored = m.seal.sealJson(m.bytesArchived ? withoutArchivedBodies(content) : content);
    return sql.fragment`(${messageId}, ${c.id}, ${about.id}, ${c.corporation}, ${step.step_id}, ${channel.name},
      ${channel.spec.type}, ${content.template}, ${content.locale}, 'sending', ${recipients.join(',')},
      ${content.subject ?? null}, ${sql.jsonb(stored as never)}, ${engineMessageId ?? null}, ${step.id},
      ${step.kind === 'send' ? about.debtor_ref : null}, ${step.kind === 'send' ? about.household_id : null},
      ${m.now.toISOString()}, ${priceCents(channel.spec.pricePerMessage) ?? null})`;
  });
  await tx.query(sql.unsafe`
    INSERT INTO messages (id, case_id, receivable_id, corporation, step_id, channel, channel_type, template, locale,
      status, recipient, subject, content, engine_message_id, step_row_id, debtor_ref, household_id, counted_at,
      cost_cents)
    VALUES ${sql.join(rows, sql.fragment`, `)}`);
  return prepared;
}

/** One new message (recordNewMessages). */
export async function recordNewMessage(
  tx: Tx,
  seal: LinkSeal,
  m: Omit<NewMessage, 'seal'>,
): Promise<Prepared> {
  const [one] = await recordNewMessages(tx, [{ ...m, seal }]);
  return one!;
}
