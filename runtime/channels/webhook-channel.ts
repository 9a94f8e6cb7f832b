// A signed POST per message to the corporation's own system (provider http). The body holds what that
// system needs to file the message — ids, template, channel and the rendered text — and no further debtor
// data. Signature: `Outputstraat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(hmacSecret, "<t>.<body>")>`.
// Any answer other than 2xx is an error; the dispatcher retries with backoff. The body is archived and
// resent unchanged (same Idempotency-Key) after a crash. The URL comes from a tenant's Channel, so the POST
// goes through the SSRF guard (platform/outbound): https to public addresses only, no redirects.
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import type { Database } from '../../platform/db/index.js';
import type { GuardedHttp } from '../../platform/outbound/index.js';
import { archiveParts, readPart } from '../archive/index.js';
import { requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { webhookSignature } from '../webhooks/index.js';
import type { ChannelAdapter, OutgoingMessage, SendOptions, SendResult } from './channel-adapter.js';
import { messageFacts } from './message-facts.js';

export interface WebhookChannelOptions {
  secrets: SecretLookup;
  /** The guarded client (allow-list and deadline from OST_WEBHOOK_ALLOW_HOSTS, OST_WEBHOOK_TIMEOUT_MS). */
  http: GuardedHttp;
  db?: Database;
  /** Seals link tokens in the archived body. */
  links: LinkTokens;
}

export class WebhookChannel implements ChannelAdapter {
  constructor(private readonly options: WebhookChannelOptions) {}

  private async body(message: OutgoingMessage): Promise<string> {
    const db = this.options.db;
    const existing = db ? await readPart(db, this.options.links, message.id, 'json') : undefined;
    if (existing) return existing.body.toString('utf8');
    const facts = db ? await messageFacts(db, message.id) : undefined;
    const c = message.content;
    const body = JSON.stringify({
      type: 'message',
      id: message.id,
      corporation: message.bundle.corporation.id,
      receivable: facts?.externalId ?? null,
      debtor: facts?.receivable?.debtor.id ?? null,
      case: facts?.caseId ?? null,
      channel: message.channel.name,
      template: c.template,
      templateChannel: c.channelType,
      locale: c.locale,
      content: {
        ...(c.subject !== undefined ? { subject: c.subject } : {}),
        ...(c.text !== undefined ? { text: c.text } : {}),
        ...(c.html !== undefined ? { html: c.html } : {}),
        ...(c.sms !== undefined ? { sms: c.sms } : {}),
        ...(c.voice !== undefined ? { voice: c.voice } : {}),
        ...(c.letter !== undefined ? { letter: c.letter } : {}),
      },
      createdAt: new Date().toISOString(),
    });
    if (!db) return body;
    await archiveParts(db, this.options.links, message.bundle.corporation.id, message.id, [
      { part: 'json', contentType: 'application/json', body: Buffer.from(body, 'utf8') },
    ]);
    return (await readPart(db, this.options.links, message.id, 'json'))?.body.toString('utf8') ?? body;
  }

  async send(message: OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
    const { channel } = message;
    const url = channel.spec.http?.url;
    try {
      if (!url) {
        throw createError('OST_ERR_CONFIG', [
          `Channel ${channel.source.namespace}/${channel.name} has no http.url`,
          'fix the Channel',
        ]);
      }
      const secret = requireChannelSecret(this.options.secrets, channel, 'hmacSecret');
      const body = await this.body(message);
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await this.options.http.post(url, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'outputstraat-webhook/1',
          'idempotency-key': message.id,
          'outputstraat-signature': webhookSignature(secret, timestamp, body),
        },
        body,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.status < 200 || res.status > 299) throw new Error(`the endpoint answered ${res.status}`);
      return { providerId: `http:${res.status}:${message.id}` };
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw createError(
        'OST_ERR_CHANNEL_SEND',
        [channel.name, 'http', (cause as Error).message, 'check the endpoint; the step is retried'],
        { cause },
      );
    }
  }

  async close(): Promise<void> {}
}
