// SMS and voice through Twilio's official SDK. SMS: messages.create with From or a Messaging Service.
// Voice: calls.create with inline TwiML (text-to-speech in the channel's language and a <Gather> that sends
// the payment link by SMS on 1). Both ask Twilio to report the outcome to /v1/providers/twilio/status.
// The text (SMS body, TwiML) is archived before the call; the Twilio SID is stored the moment Twilio
// returns it, so a resend after a crash returns that SID instead of texting or calling the debtor again.
import type { BundleChannel } from '../../core/bundle/types.js';
import { createError, isOutputstraatError } from '../../core/errors/index.js';
import type { Database } from '../../platform/db/index.js';
import { archiveParts, readPart } from '../archive/index.js';
import { requireChannelSecret, type SecretLookup } from '../bundles/index.js';
import type { LinkTokens } from '../dossiers/index.js';
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel-adapter.js';
import { messageFacts, paymentUrl, rememberProviderId } from './message-facts.js';
import { TwilioClients } from './twilio-client.js';
import { voiceTwiml } from './voice-twiml.js';

export interface TwilioChannelOptions {
  secrets: SecretLookup;
  db?: Database;
  /** Recomputes the payment link a voice message offers by SMS, and seals tokens in the archive. */
  links: LinkTokens;
  /** Where Twilio reaches this street's callbacks (PUBLIC_URL). */
  publicUrl: string;
  /** Development and tests: Twilio's REST API at this origin. */
  apiBase?: string | undefined;
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

export function twilioCredentials(secrets: SecretLookup, channel: BundleChannel): TwilioCredentials {
  return {
    accountSid: requireChannelSecret(secrets, channel, 'accountSid'),
    authToken: requireChannelSecret(secrets, channel, 'authToken'),
  };
}

export const twilioStatusUrl = (publicUrl: string, messageId: string) =>
  `${publicUrl}/v1/providers/twilio/status?m=${messageId}`;
export const twilioGatherUrl = (publicUrl: string, messageId: string) =>
  `${publicUrl}/v1/providers/twilio/voice/gather?m=${messageId}`;

export class TwilioChannel implements ChannelAdapter {
  private readonly clients: TwilioClients;

  constructor(private readonly options: TwilioChannelOptions) {
    this.clients = new TwilioClients(options.apiBase);
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { channel } = message;
    const db = this.options.db;
    try {
      const facts = db ? await messageFacts(db, message.id) : undefined;
      if (facts?.providerId) return { providerId: facts.providerId };
      const creds = twilioCredentials(this.options.secrets, channel);
      const client = this.clients.client(creds.accountSid, creds.authToken);
      const statusCallback = twilioStatusUrl(this.options.publicUrl, message.id);
      const settings = channel.spec.twilio ?? {};
      let sid: string;
      if (channel.spec.type === 'voice') {
        if (!settings.from)
          throw this.configError(channel, 'a voice channel needs twilio.from (an E.164 number)');
        const twiml = await this.archived(message, 'twiml', () =>
          voiceTwiml({
            script: message.content.voice ?? '',
            locale: message.content.locale,
            language: settings.language ?? 'nl-NL',
            voice: settings.voice ?? 'Polly.Lotte',
            gatherUrl: twilioGatherUrl(this.options.publicUrl, message.id),
            offerLink: facts
              ? paymentUrl(facts, message.bundle, this.options.publicUrl, this.options.links) !== undefined
              : false,
          }),
        );
        const call = await client.calls.create({
          to: message.recipient,
          from: settings.from,
          twiml,
          statusCallback,
          statusCallbackMethod: 'POST',
        });
        sid = call.sid;
      } else {
        const body = await this.archived(message, 'sms', () => message.content.sms ?? '');
        if (!settings.from && !settings.messagingServiceSid) {
          throw this.configError(channel, 'an sms channel needs twilio.from or twilio.messagingServiceSid');
        }
        const sms = await client.messages.create({
          to: message.recipient,
          body,
          statusCallback,
          ...(settings.messagingServiceSid
            ? { messagingServiceSid: settings.messagingServiceSid }
            : { from: settings.from as string }),
        });
        sid = sms.sid;
      }
      if (db) await rememberProviderId(db, message.id, sid);
      return { providerId: sid };
    } catch (cause) {
      if (isOutputstraatError(cause)) throw cause;
      throw createError(
        'OST_ERR_CHANNEL_SEND',
        [
          channel.name,
          'twilio',
          (cause as Error).message,
          'check the number and the Twilio account; the step is retried',
        ],
        { cause },
      );
    }
  }

  /** The archived text of `part`, or `make()` archived now (the voice script alongside the TwiML). */
  private async archived(
    message: OutgoingMessage,
    part: 'sms' | 'twiml',
    make: () => string,
  ): Promise<string> {
    const db = this.options.db;
    if (!db) return make();
    const existing = await readPart(db, this.options.links, message.id, part);
    if (existing) return existing.body.toString('utf8');
    const text = make();
    await archiveParts(db, this.options.links, message.bundle.corporation.id, message.id, [
      {
        part,
        contentType: part === 'twiml' ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8',
        body: Buffer.from(text, 'utf8'),
      },
      ...(part === 'twiml'
        ? [
            {
              part: 'voice' as const,
              contentType: 'text/plain; charset=utf-8',
              body: Buffer.from(message.content.voice ?? ''),
            },
          ]
        : []),
    ]);
    return (await readPart(db, this.options.links, message.id, part))?.body.toString('utf8') ?? text;
  }

  private configError(channel: BundleChannel, what: string) {
    return createError('OST_ERR_CONFIG', [
      `Channel ${channel.source.namespace}/${channel.name}: ${what}`,
      'fix the Channel',
    ]);
  }

  async close(): Promise<void> {}
}
