// The TwiML of a voice message: the template's script read by Dutch (or English) text-to-speech inside a
// <Gather numDigits="1">, so pressing 1 sends the payment link by SMS (POST /v1/providers/twilio/voice/gather).
import twilio from 'twilio';

type Say = NonNullable<Parameters<twilio.twiml.VoiceResponse['say']>[0]>;

export interface VoiceTwimlInput {
  script: string;
  locale: string;
  language: string;
  voice: string;
  /** Absolute URL Twilio posts the pressed digit to. */
  gatherUrl: string;
  /** Offer the payment link by SMS (only when there is a link to send). */
  offerLink: boolean;
}

const PHRASES = {
  nl: {
    press: 'Druk op 1 om de betaallink per sms te ontvangen.',
    sent: 'U ontvangt de betaallink zo per sms. Tot ziens.',
    bye: 'Tot ziens.',
  },
  en: {
    press: 'Press 1 to receive the payment link by text message.',
    sent: 'You will receive the payment link by text message shortly. Goodbye.',
    bye: 'Goodbye.',
  },
} as const;

export const phrasesFor = (locale: string) => PHRASES[locale === 'en' ? 'en' : 'nl'];

function sayAttributes(input: Pick<VoiceTwimlInput, 'language' | 'voice'>): Say {
  return { language: input.language as Say['language'], voice: input.voice as Say['voice'] } as Say;
}

export function voiceTwiml(input: VoiceTwimlInput): string {
  const response = new twilio.twiml.VoiceResponse();
  const say = sayAttributes(input);
  const phrases = phrasesFor(input.locale);
  if (!input.offerLink) {
    response.say(say, input.script);
    return response.toString();
  }
  const gather = response.gather({ numDigits: 1, action: input.gatherUrl, method: 'POST', timeout: 8 });
  gather.say(say, input.script);
  gather.say(say, phrases.press);
  response.say(say, phrases.bye);
  return response.toString();
}

/** What Twilio plays after a digit: a confirmation when 1 was pressed and the SMS went out. */
export function gatherReplyTwiml(
  input: Pick<VoiceTwimlInput, 'language' | 'voice' | 'locale'>,
  sent: boolean,
): string {
  const response = new twilio.twiml.VoiceResponse();
  const phrases = phrasesFor(input.locale);
  response.say(sayAttributes(input), sent ? phrases.sent : phrases.bye);
  return response.toString();
}
