// The SMS a debtor asks for by pressing 1 during a voice message: the payment link, on the corporation's
// first SMS channel, recorded and archived like any message of the case (step `gather:<voice message>`).
// One per voice message: Twilio retrying the callback, or the debtor pressing 1 twice, sends one SMS.
import { randomUUID } from 'node:crypto';
import type { ComposedMessage } from '../../core/messages/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { insertEvents, type LinkTokens, linkSealFor } from '../dossiers/index.js';
import type { ChannelAdapter } from './channel-adapter.js';
import { messageFacts, paymentUrl } from './message-facts.js';

export interface PaymentLinkSmsDeps {
  db: Database;
  bundles: BundleStore;
  publicUrl: string;
  /** Recomputes the payment link's token from its id. */
  links: LinkTokens;
  /** The adapter of provider twilio. */
  sms: ChannelAdapter;
}

function smsText(locale: string, corporation: string, url: string): string {
  return locale === 'en'
    ? `${corporation}: here is the payment link you asked for: ${url}`
    : `${corporation}: hier is de betaallink waar u om vroeg: ${url}`;
}

export async function sendPaymentLinkSms(deps: PaymentLinkSmsDeps, voiceMessageId: string): Promise<boolean> {
  const facts = await messageFacts(deps.db, voiceMessageId);
  const r = facts?.receivable;
  const bundle = facts ? deps.bundles.get(facts.corporation) : undefined;
  if (!facts || !r || !bundle || !facts.caseId) return false;
  const url = paymentUrl(facts, bundle, deps.publicUrl, deps.links);
  const phone = r.debtor.phone;
  const channel = Object.values(bundle.channels).find((c) => c.spec.type === 'sms');
  if (!url || !phone || !channel) return false;
  const stepId = `gather:${voiceMessageId}`;

  const prepared = await deps.db.transaction(async (tx) => {
    const receivable = await tx.one(sql.unsafe`
      SELECT status, balance_minor FROM receivables WHERE external_id = ${facts.externalId ?? ''}
        AND corporation = ${facts.corporation} FOR UPDATE`);
    if (receivable.status !== 'open' || Number(receivable.balance_minor) <= 0) return undefined;
    const existing = await tx.maybeOne(sql.unsafe`
      SELECT id, status, content, receivable_id FROM messages
      WHERE case_id = ${facts.caseId ?? null} AND step_id = ${stepId}`);
    if (existing) {
      if (existing.status !== 'sending') return 'done';
      const seal = await linkSealFor(tx, deps.links, { receivableId: existing.receivable_id as string });
      return {
        id: existing.id as string,
        content: seal.unsealJson(existing.content as unknown as ComposedMessage),
      };
    }
    const locale = r.debtor.locale === 'en' ? 'en' : 'nl';
    const content: ComposedMessage = {
      template: 'voice-payment-link',
      channelType: 'sms',
      locale,
      sms: smsText(locale, bundle.corporation.displayName, url),
    };
    const id = randomUUID();
    const receivableRow = await tx.one(sql.unsafe`
      SELECT id FROM receivables WHERE external_id = ${facts.externalId ?? ''} AND corporation = ${facts.corporation}`);
    await tx.query(sql.unsafe`
      INSERT INTO messages (id, case_id, receivable_id, corporation, step_id, channel, channel_type, template, locale,
        status, recipient, content)
      VALUES (${id}, ${facts.caseId ?? null}, ${receivableRow.id as string}, ${facts.corporation}, ${stepId},
        ${channel.name}, 'sms', ${content.template}, ${locale}, 'sending', ${phone},
        ${sql.jsonb((await linkSealFor(tx, deps.links, { receivableId: receivableRow.id as string })).sealJson(content) as never)})`);
    return { id, content };
  });
  if (prepared === undefined) return false;
  if (prepared === 'done') return true;

  try {
    const { providerId } = await deps.sms.send({
      id: prepared.id,
      bundle,
      channel,
      recipient: phone,
      content: prepared.content,
    });
    await deps.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        UPDATE messages SET status = 'sent', provider_id = ${providerId}, sent_at = now() WHERE id = ${prepared.id}`);
      const row = await tx.one(sql.unsafe`SELECT receivable_id FROM messages WHERE id = ${prepared.id}`);
      await insertEvents(tx, [
        {
          corporation: facts.corporation,
          receivableId: row.receivable_id as string,
          caseId: facts.caseId as string,
          type: 'message.sent',
          data: {
            messageId: prepared.id,
            channel: channel.name,
            template: prepared.content.template,
            reason: 'pressed 1 in a voice message',
          },
        },
      ]);
    });
    return true;
  } catch (err) {
    await deps.db.query(sql.unsafe`UPDATE messages SET status = 'failed' WHERE id = ${prepared.id}`);
    throw err;
  }
}
