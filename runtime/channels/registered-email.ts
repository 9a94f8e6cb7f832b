// Registered email (provider `registered-email`, docs/channels.md "Registered email"): the message is
// POSTed, signed, to the provider's API, which delivers it as registered email and later calls
// POST /v1/providers/registered-email/proof with its proof of delivery (or of refusal or expiry), signed
// with the same secret. Signature both ways: `Outputstraat-Signature: t=<unix seconds>,v1=<hex
// HMAC-SHA256(hmacSecret, "<t>.<raw body>")>`; a callback older or newer than 5 minutes, or for a message
// whose channel is not a registered-email channel, is refused like a wrong signature (403), so a caller
// learns nothing about which message ids exist. The provider's URL comes from a tenant's Channel, so the
// POST goes through the SSRF guard, as webhooks do.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { GuardedHttp } from '../../platform/outbound/index.js';
import { archiveParts, readPart } from '../archive/index.js';
import { type BundleStore, requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import { webhookSignature } from '../webhooks/index.js';
import type { ChannelAdapter, OutgoingMessage, SendOptions, SendResult } from './channel-adapter.js';
import { recordRegisteredEvent } from './registered-proof.js';

export const PROOF_PATH = '/v1/providers/registered-email/proof';
const SKEW_S = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface RegisteredEmailOptions {
  secrets: SecretLookup;
  http: GuardedHttp;
  db: Database;
  links: LinkTokens;
  /** Where the provider sends its proof: `<publicUrl>/v1/providers/registered-email/proof`. */
  publicUrl: string;
}

export class RegisteredEmailChannel implements ChannelAdapter {
  constructor(private readonly options: RegisteredEmailOptions) {}

  /** The archived request body, or a new one archived now (a resend posts the same bytes). */
  private async body(message: OutgoingMessage): Promise<string> {
    const { db, links } = this.options;
    const existing = await readPart(db, links, message.id, 'json');
    if (existing) return existing.body.toString('utf8');
    const c = message.content;
    const sender = message.bundle.corporation.sender;
    const body = JSON.stringify({
      messageId: message.id,
      from: { name: sender.name, email: sender.email },
      to: message.recipient,
      subject: c.subject ?? '',
      ...(c.text !== undefined ? { text: c.text } : {}),
      ...(c.html !== undefined ? { html: c.html } : {}),
      proofCallback: `${this.options.publicUrl.replace(/\/$/, '')}${PROOF_PATH}`,
    });
    await archiveParts(db, links, message.bundle.corporation.id, message.id, [
      { part: 'json', contentType: 'application/json', body: Buffer.from(body, 'utf8') },
    ]);
    return (await readPart(db, links, message.id, 'json'))?.body.toString('utf8') ?? body;
  }

  async send(message: OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
    const { channel } = message;
    try {
      const url = channel.spec.registeredEmail?.url;
      if (!url)
        throw createError('OST_ERR_CONFIG', [
          `Channel ${channel.source.namespace}/${channel.name} has no registeredEmail.url`,
          'fix the Channel',
        ]);
      const secret = requireChannelSecret(this.options.secrets, channel, 'hmacSecret');
      const body = await this.body(message);
      const res = await this.options.http.post(url, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'outputstraat-registered-email/1',
          'idempotency-key': message.id,
          'outputstraat-signature': webhookSignature(secret, Math.floor(Date.now() / 1000), body),
        },
        body,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (res.status < 200 || res.status > 299) throw new Error(`the provider answered ${res.status}`);
      return { providerId: `registered-email:${message.id}` };
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw createError(
        'OST_ERR_CHANNEL_SEND',
        [
          channel.name,
          'registered-email',
          (cause as Error).message,
          'check the provider; the step is retried',
        ],
        { cause },
      );
    }
  }

  async close(): Promise<void> {}
}

/** Whether `header` is a valid signature of `raw` with `secret` at `nowS` (within 5 minutes). */
export function validProofSignature(secret: string, header: unknown, raw: string, nowS: number): boolean {
  if (typeof header !== 'string' || header.length > 200) return false;
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || Math.abs(nowS - Number(m[1])) > SKEW_S) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

interface Proof {
  messageId: string;
  event: 'delivered' | 'refused' | 'expired';
  proofId: string;
  at: Date;
  proofSha256?: string;
}

function proofOf(raw: string): Proof {
  let b: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    b = parsed as Record<string, unknown>;
  } catch {
    throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const errors: { field: string; message: string }[] = [];
  if (!['delivered', 'refused', 'expired'].includes(b.event as string))
    errors.push({ field: 'event', message: 'must be delivered, refused or expired' });
  if (typeof b.proofId !== 'string' || !/^[A-Za-z0-9-]{4,40}$/.test(b.proofId))
    errors.push({ field: 'proofId', message: 'must be 4 to 40 letters, digits or dashes' });
  const at = typeof b.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(b.at) ? new Date(b.at) : undefined;
  if (!at || Number.isNaN(at.getTime())) errors.push({ field: 'at', message: 'must be an ISO 8601 time' });
  if (
    b.proofSha256 !== undefined &&
    (typeof b.proofSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(b.proofSha256))
  )
    errors.push({ field: 'proofSha256', message: 'must be 64 lowercase hex digits' });
  if (errors.length > 0) throw validationError(errors);
  return {
    messageId: b.messageId as string,
    event: b.event as Proof['event'],
    proofId: b.proofId as string,
    at: at!,
    ...(b.proofSha256 ? { proofSha256: b.proofSha256 as string } : {}),
  };
}

export interface ProofRouteDeps {
  db: Database;
  bundles: BundleStore;
  secrets: SecretLookup;
}

export function registerRegisteredEmailRoutes(app: FastifyInstance, deps: ProofRouteDeps): void {
  // Its own scope: the signature is over the raw body, so JSON is kept as text here only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_r, body, done) => done(null, body),
    );
    const config = {
      auth: 'provider' as const,
      openapi: {
        operationId: 'postRegisteredEmailProof',
        tag: 'providers' as const,
        summary: 'A registered-email provider reports proof of delivery, refusal or expiry',
        description:
          "JSON {messageId, status, trackingNumber, date, …}, signed with the channel's hmacSecret over the raw " +
          'body (docs/channels.md). Recorded on the message as registered.delivered or registered.returned.',
        responses: { 204: { description: 'Recorded on the message.' } },
        errors: [
          'OST_ERR_PROVIDER_SIGNATURE' as const,
          'OST_ERR_VALIDATION' as const,
          'OST_ERR_BODY_TOO_LARGE' as const,
        ],
      },
    };
    scope.post(PROOF_PATH, { config }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const refuse = () => createError('OST_ERR_PROVIDER_SIGNATURE', ['registered-email proof']);
      // The message id is read before the signature is checked only to find whose secret to check it with.
      const claimed = /"messageId"\s*:\s*"([0-9a-f-]{36})"/.exec(raw)?.[1];
      if (!claimed || !UUID.test(claimed)) throw refuse();
      const row = await deps.db.maybeOne(sql.unsafe`
        SELECT corporation, channel FROM messages WHERE id = ${claimed}`);
      const channel = row
        ? deps.bundles.get(row.corporation as string)?.channels[row.channel as string]
        : undefined;
      if (!row || !channel || channel.spec.provider !== 'registered-email') throw refuse();
      const secret = requireChannelSecret(deps.secrets, channel, 'hmacSecret');
      const nowS = Math.floor(Date.now() / 1000);
      if (!validProofSignature(secret, request.headers['outputstraat-signature'], raw, nowS)) throw refuse();
      const proof = proofOf(raw);
      if (proof.messageId !== claimed) throw refuse();
      const date = proof.at.toISOString().slice(0, 10);
      const delivered = proof.event === 'delivered';
      await recordRegisteredEvent(deps.db, {
        corporation: row.corporation as string,
        messageId: claimed,
        channel: row.channel as string,
        printedRegistered: false,
        status: delivered ? 'delivered' : 'returned',
        trackingNumber: proof.proofId,
        date,
        ...(delivered ? {} : { reason: proof.event === 'refused' ? 'refused' : 'not-collected' }),
        source: 'registered-email',
        detail: {
          at: proof.at.toISOString(),
          ...(proof.proofSha256 ? { proofSha256: proof.proofSha256 } : {}),
        },
        sentence: (template) =>
          delivered
            ? `Registered email ${template} delivered on ${date}, proof ${proof.proofId}, as reported by the provider.`
            : `Registered email ${template} not delivered (${proof.event}) on ${date}, proof ${proof.proofId}, as reported by the provider.`,
        now: new Date(),
      });
      return reply.code(204).send();
    });
  });
}
