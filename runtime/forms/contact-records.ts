// Contact data from the tenant's form: stored, put on the ERP's event feed, and confirmed by email to the
// new address through the corporation's own email channel (recorded as a message like any other). The
// link it came through is spent in the same transaction: one submission per contact link, even when two
// arrive at once. Staff enter what a tenant sent on paper (or said on the phone) in the console: stored
// and put on the feed the same way, with source 'paper', without a link and without the confirmation.
import { randomUUID } from 'node:crypto';
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import type { ComposedMessage, SendMessage } from '../../core/messages/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import { insertEvents } from '../dossiers/index.js';
import { escapeHtml, type Lang, TEXTS } from '../web/index.js';
import type { ContactValues } from './contact-validation.js';

export interface ContactDeps {
  db: Database;
  /** Where a confirmation that could not be sent is reported (the tenant's form only). */
  log?: Logger;
  /** Hands the confirmation to the email channel; without it the message is only recorded. */
  send?: SendMessage | undefined;
}

export interface ContactSubject {
  bundle: ConfigBundle;
  /** The contact link the tenant used; it is closed (and marked used) with the submission. None: staff entry. */
  linkId?: string | undefined;
  /** tenant (the form, confirmed by email to a new address) or paper (entered in the console). */
  source?: 'tenant' | 'paper';
  /** The request it answers (a staff entry may answer none). */
  receivableId: string | undefined;
  externalId: string | undefined;
  debtorId: string;
  debtorName: string;
}

export async function recordContactUpdate(
  deps: ContactDeps,
  who: ContactSubject,
  values: ContactValues,
  lang: Lang,
): Promise<{ id: string; confirmationId?: string } | undefined> {
  const corporation = who.bundle.corporation.id;
  const source = who.source ?? 'tenant';
  const confirmationId = values.email && source === 'tenant' ? randomUUID() : undefined;
  const id = await deps.db.transaction(async (tx) => {
    // The row lock makes a second submission wait for the first and then find the link closed.
    if (who.linkId) {
      const spent = await tx.maybeOne(sql.unsafe`
        UPDATE links SET closed_at = now(), used_at = now()
        WHERE id = ${who.linkId} AND corporation = ${corporation} AND closed_at IS NULL
        RETURNING id`);
      if (!spent) return undefined;
    }
    const row = await tx.one(sql.unsafe`
      INSERT INTO contact_updates (corporation, receivable_id, external_id, debtor_id, email, phone, source,
        confirmation_message_id)
      VALUES (${corporation}, ${who.receivableId ?? null}, ${who.externalId ?? null}, ${who.debtorId},
        ${values.email ?? null},
        ${values.phone ?? null}, ${source}, ${confirmationId ?? null})
      RETURNING id`);
    await insertEvents(tx, [
      {
        corporation,
        ...(who.receivableId ? { receivableId: who.receivableId } : {}),
        ...(who.externalId ? { externalId: who.externalId } : {}),
        type: 'contact.updated',
        data: {
          debtorId: who.debtorId,
          ...(values.email ? { email: values.email } : {}),
          ...(values.phone ? { phone: values.phone } : {}),
          source,
        },
      },
    ]);
    return row.id as string;
  });
  if (id === undefined) return undefined;
  if (confirmationId && values.email) {
    await sendConfirmation(deps, who, values.email, lang, confirmationId);
    return { id, confirmationId };
  }
  return { id };
}

function emailChannel(bundle: ConfigBundle): BundleChannel | undefined {
  const channels = Object.values(bundle.channels).filter((c) => c.spec.type === 'email');
  return channels.find((c) => c.name === 'email') ?? channels[0];
}

function confirmationContent(bundle: ConfigBundle, who: ContactSubject, lang: Lang): ComposedMessage {
  const t = TEXTS[lang];
  const c = bundle.corporation;
  const greeting = lang === 'nl' ? `Beste ${who.debtorName},` : `Dear ${who.debtorName},`;
  const phone = c.contact.phone ? `${t.phone}: ${c.contact.phone}` : '';
  const text = [greeting, '', t.confirmBody, '', `${c.displayName}${phone ? ` · ${phone}` : ''}`].join('\n');
  const colour = /^#[0-9a-f]{6}$/i.test(c.branding.primaryColor ?? '') ? c.branding.primaryColor : '#1f4e79';
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:Arial,sans-serif;color:#1a1a1a">
<div style="background:${colour};color:#fff;padding:16px;font-weight:bold">${escapeHtml(c.displayName)}</div>
<div style="padding:16px"><p>${escapeHtml(greeting)}</p><p>${escapeHtml(t.confirmBody)}</p>
<p style="color:#4a4a4a">${escapeHtml(c.displayName)}${phone ? ` · ${escapeHtml(phone)}` : ''}</p></div></body></html>`;
  return {
    template: 'contact-confirmation',
    channelType: 'email',
    locale: lang,
    subject: t.confirmSubject,
    text,
    html,
  };
}

/** Records the confirmation as a message and hands it to the email channel; a failure is recorded, not thrown. */
async function sendConfirmation(
  deps: ContactDeps,
  who: ContactSubject,
  email: string,
  lang: Lang,
  id: string,
): Promise<void> {
  const bundle = who.bundle;
  const channel = emailChannel(bundle);
  const content = confirmationContent(bundle, who, lang);
  await deps.db.query(sql.unsafe`
    INSERT INTO messages (id, receivable_id, corporation, channel, channel_type, template, locale, status,
      recipient, subject, content)
    VALUES (${id}, ${who.receivableId ?? null}, ${bundle.corporation.id}, ${channel?.name ?? 'email'}, 'email',
      ${content.template}, ${lang}, ${channel && deps.send ? 'sending' : 'recorded'}, ${email},
      ${content.subject ?? null}, ${sql.jsonb(content as never)})`);
  if (!channel || !deps.send) return;
  try {
    const result = await deps.send({ id, bundle, channel, recipient: email, content });
    await deps.db.query(sql.unsafe`
      UPDATE messages SET status = 'sent', provider_id = ${result.providerId}, sent_at = now() WHERE id = ${id}`);
  } catch (err) {
    deps.log?.warn(
      { corporation: bundle.corporation.id, message: id, code: (err as { code?: string }).code },
      'contact confirmation not sent',
    );
    await deps.db.query(sql.unsafe`UPDATE messages SET status = 'failed' WHERE id = ${id}`);
  }
}
