// Twilio's inbound-message webhook: a debtor's SMS reply. Point the corporation's number (or its
// Messaging Service) at POST <public URL>/v1/providers/twilio/inbound. The corporation is the one whose
// SMS Channel sends from that number (`twilio.from`) or through that Messaging Service; the request must
// carry a valid X-Twilio-Signature for that Channel's auth token, else 403 and nothing is stored. The
// debtor is the one the corporation last texted at the number the reply came from; a reply from a number
// it never texted is kept without a debtor. The answer is empty TwiML: the street never texts back here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { createError } from '../../core/errors/index.js';
import { validationError } from '../../core/receivable/validation-error.js';
import { REPLY_TEXT_MAX } from '../../core/replies/index.js';
import type { SecretLookup } from '../bundles/index.js';
import { lastSmsTo, type ReplyDeps, recordReply } from '../replies/index.js';
import { twilioCredentials } from './twilio-channel.js';

export interface TwilioInboundDeps extends ReplyDeps {
  secrets: SecretLookup;
  publicUrl: string;
}

const E164ISH = /^\+?[0-9]{6,20}$/;
const SID = /^[A-Za-z]{2}[0-9a-fA-F]{32}$/;

/** The corporations whose SMS channel owns this number or Messaging Service and whose token signed it. */
function signedBy(
  deps: TwilioInboundDeps,
  request: FastifyRequest,
  params: Record<string, string>,
): string[] {
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string') return [];
  const url = `${deps.publicUrl}${request.url}`;
  const found: string[] = [];
  for (const corporation of deps.bundles.corporations().sort()) {
    const bundle = deps.bundles.get(corporation);
    const owns = Object.values(bundle?.channels ?? {}).filter((c) => {
      const t = c.spec.twilio;
      if (c.spec.provider !== 'twilio' || c.spec.type !== 'sms' || !t) return false;
      return (
        (t.messagingServiceSid !== undefined && t.messagingServiceSid === params.MessagingServiceSid) ||
        (t.from !== undefined && t.from === params.To)
      );
    });
    const valid = owns.some((channel) => {
      try {
        const { authToken } = twilioCredentials(deps.secrets, channel);
        return twilio.validateRequest(authToken, signature, url, params);
      } catch {
        return false; // a channel without its Secret cannot vouch for anything
      }
    });
    if (valid) found.push(corporation);
  }
  return found;
}

export function registerTwilioInboundRoute(app: FastifyInstance, deps: TwilioInboundDeps): void {
  const config = {
    auth: 'provider' as const,
    openapi: {
      operationId: 'postTwilioInbound',
      tag: 'providers' as const,
      summary: 'Twilio delivers an SMS a debtor sent back',
      description:
        'Form parameters From, To (or MessagingServiceSid), Body, MessageSid. Header X-Twilio-Signature over ' +
        'the public URL and the form parameters, for the auth token of the channel that owns the number. ' +
        'The reply is stored on the debtor and classified by the reply rules.',
      responses: { 200: { description: 'Stored (an empty TwiML answer).', contentType: 'text/xml' } },
      errors: ['OST_ERR_PROVIDER_SIGNATURE' as const, 'OST_ERR_VALIDATION' as const],
    },
  };
  app.post('/v1/providers/twilio/inbound', { config }, async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string>;
    const corporations = signedBy(deps, request, params);
    if (corporations.length === 0) throw createError('OST_ERR_PROVIDER_SIGNATURE', ['Twilio']);
    const from = params.From ?? '';
    const errors = [];
    if (!E164ISH.test(from)) errors.push({ field: 'From', message: 'must be a phone number' });
    if (params.MessageSid !== undefined && !SID.test(params.MessageSid))
      errors.push({ field: 'MessageSid', message: 'must be a Twilio message SID' });
    if (typeof params.Body !== 'string') errors.push({ field: 'Body', message: 'is required' });
    if (errors.length > 0) throw validationError(errors);
    const matched = await lastSmsTo(deps.db, corporations, from);
    const stored = await recordReply(deps, {
      corporation: matched?.corporation ?? corporations[0]!,
      channel: 'sms',
      providerId: params.MessageSid,
      sender: from,
      text: (params.Body ?? '').slice(0, REPLY_TEXT_MAX),
      message: matched?.message,
    });
    // Ids and the class only: never the number or the text.
    request.log.info(
      {
        corporation: matched?.corporation ?? corporations[0],
        reply: stored.id,
        class: stored.classification,
      },
      'SMS reply stored',
    );
    return reply
      .type('text/xml; charset=utf-8')
      .send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });
}
