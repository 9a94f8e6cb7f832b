// Twilio's callbacks. Every request must carry a valid X-Twilio-Signature for the auth token of the
// channel the message went out on (twilio.validateRequest over PUBLIC_URL + path + query and the POST
// parameters); anything else gets 403 and changes nothing.
//   POST /v1/providers/twilio/status?m=<id>        MessageStatus / CallStatus → delivered or failed events
//   POST /v1/providers/twilio/voice/gather?m=<id>  the digit pressed during a voice message; 1 sends the
//                                                  payment link by SMS and answers with spoken TwiML
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { BundleChannel, ConfigBundle } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';
import { sql } from '../../platform/db/index.js';
import type { SecretLookup } from '../bundles/index.js';
import {
  type MessageEventDeps,
  type MessageEventType,
  recordMessageEvent,
  recordProviderStatus,
} from '../tracking/index.js';
import { type PaymentLinkSmsDeps, sendPaymentLinkSms } from './payment-link-sms.js';
import { twilioCredentials } from './twilio-channel.js';
import { gatherReplyTwiml } from './voice-twiml.js';

export interface TwilioRouteDeps extends MessageEventDeps, PaymentLinkSmsDeps {
  secrets: SecretLookup;
  publicUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Twilio statuses that settle a message; the rest (queued, sent, ringing, …) are kept in the history. */
const OUTCOME: Record<string, MessageEventType> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  completed: 'delivered',
  busy: 'failed',
  'no-answer': 'failed',
  canceled: 'failed',
};

interface Verified {
  messageId: string;
  bundle: ConfigBundle;
  channel: BundleChannel;
  locale: string;
  params: Record<string, string>;
}

/** The message the callback is about, once its signature checks out; throws 403/404 otherwise. */
async function verify(deps: TwilioRouteDeps, request: FastifyRequest): Promise<Verified> {
  const messageId = (request.query as { m?: string }).m ?? '';
  const refuse = () => createError('OST_ERR_PROVIDER_SIGNATURE', ['Twilio']);
  if (!UUID.test(messageId)) throw refuse();
  const row = await deps.db.maybeOne(sql.unsafe`
    SELECT id, corporation, channel, locale FROM messages WHERE id = ${messageId}`);
  if (!row) throw refuse();
  const bundle = deps.bundles.get(row.corporation as string);
  const channel = bundle?.channels[row.channel as string];
  if (!bundle || !channel || channel.spec.provider !== 'twilio') throw refuse();
  const { authToken } = twilioCredentials(deps.secrets, channel);
  const params = (request.body ?? {}) as Record<string, string>;
  const signature = request.headers['x-twilio-signature'];
  const url = `${deps.publicUrl}${request.url}`;
  if (typeof signature !== 'string' || !twilio.validateRequest(authToken, signature, url, params))
    throw refuse();
  return { messageId, bundle, channel, locale: (row.locale as string | null) ?? 'nl', params };
}

export function registerTwilioRoutes(app: FastifyInstance, deps: TwilioRouteDeps): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const doc = (
    operationId: string,
    summary: string,
    description: string,
    responses: NonNullable<FastifyContextConfig['openapi']>['responses'],
  ) => ({
    config: {
      auth: 'provider' as const,
      openapi: {
        operationId,
        tag: 'providers' as const,
        summary,
        description: `${description} Header X-Twilio-Signature over the public URL and the form parameters, for the auth token of the message's channel.`,
        query: {
          type: 'object',
          required: ['m'],
          properties: { m: { type: 'string', format: 'uuid', description: 'Our message id.' } },
        },
        responses,
        errors: ['OST_ERR_PROVIDER_SIGNATURE' as const],
      },
    },
  });
  app.post(
    '/v1/providers/twilio/status',
    doc(
      'postTwilioStatus',
      'Twilio reports the status of an SMS or call',
      'Form parameters MessageStatus or CallStatus, MessageSid or CallSid, ErrorCode.',
      { 204: { description: 'Recorded on the message.' } },
    ),
    async (request, reply) => {
      const v = await verify(deps, request);
      const status = (v.params.MessageStatus ?? v.params.CallStatus ?? '').toLowerCase();
      const detail = {
        status,
        ...(v.params.MessageSid || v.params.CallSid ? { sid: v.params.MessageSid ?? v.params.CallSid } : {}),
        ...(v.params.ErrorCode ? { errorCode: v.params.ErrorCode } : {}),
      };
      const outcome = OUTCOME[status];
      if (outcome) {
        await recordMessageEvent(deps, {
          messageId: v.messageId,
          type: outcome,
          source: 'twilio',
          detail,
          now: new Date(),
        });
      } else if (status) {
        await recordProviderStatus(deps.db, v.messageId, `twilio:${status}`, 'twilio', detail);
      }
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/providers/twilio/voice/gather',
    doc(
      'postTwilioGather',
      'The digit a debtor pressed during a voice message',
      'Form parameter Digits; 1 sends the payment link by SMS.',
      { 200: { description: 'Spoken TwiML: what the debtor hears next.', contentType: 'text/xml' } },
    ),
    async (request, reply) => {
      const v = await verify(deps, request);
      const digits = v.params.Digits ?? '';
      await recordProviderStatus(deps.db, v.messageId, 'voice:digits', 'twilio', {
        digits: digits.slice(0, 4),
      });
      let sent = false;
      if (digits === '1') {
        sent = await sendPaymentLinkSms(deps, v.messageId).catch((err: unknown) => {
          request.log.warn({ err: (err as Error).message }, 'payment link SMS after a voice message failed');
          return false;
        });
      }
      const settings = v.channel.spec.twilio ?? {};
      return reply.type('text/xml; charset=utf-8').send(
        gatherReplyTwiml(
          {
            language: settings.language ?? 'nl-NL',
            voice: settings.voice ?? 'Polly.Lotte',
            locale: v.locale,
          },
          sent,
        ),
      );
    },
  );
}
