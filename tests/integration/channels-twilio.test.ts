import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  historyOf,
  MESSAGING_SERVICE,
  messageEventually,
  messagesOf,
  receivable,
  startChannelStreet,
  VOICE_FROM,
} from './channels-fixture.js';

describe('SMS and voice through the Twilio SDK', () => {
  let cs: ChannelStreet;
  beforeAll(async () => {
    cs = await startChannelStreet();
  });
  afterAll(async () => {
    await cs?.stop();
  });

  const smsCount = () => cs.twilio.requests.filter((r) => r.kind === 'message' && r.sid).length;

  it('a debtor who prefers SMS gets the SMS first; Twilio receives exactly what the archive keeps', async () => {
    const before = smsCount();
    const r = receivable(
      {},
      { email: 'prefers-sms@example.org', phone: '+31622223333', preferredChannel: 'sms' },
    );
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const [req] = (await cs.twilio.waitFor('message', before + 1, 10_000)).slice(before);
    const expectedAuth = `Basic ${Buffer.from(`${cs.twilio.accountSid}:${cs.twilio.authToken}`).toString('base64')}`;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/2010-04-01/Accounts/${cs.twilio.accountSid}/Messages.json`);
    expect(req!.headers.authorization).toBe(expectedAuth);
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req!.headers['user-agent']).toMatch(/^twilio-node\/6\./);
    expect(Object.keys(req!.params).sort()).toEqual(['Body', 'MessagingServiceSid', 'StatusCallback', 'To']);
    expect(req!.params.To).toBe('+31622223333');
    expect(req!.params.MessagingServiceSid).toBe(MESSAGING_SERVICE);
    expect(req!.params.Body).toMatch(
      /^Woonstad Noord: de automatische afschrijving van uw huur \(€ 620,79\) is niet gelukt\. Wilt u het bedrag zelf betalen\? Dat kan snel via https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24} Al betaald\? Dan kunt u dit bericht negeren\.$/,
    );
    // The form body on the wire is the SDK's encoding of exactly these fields.
    expect(new URLSearchParams(req!.raw).get('Body')).toBe(req!.params.Body);

    const sms = await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    const all = await messagesOf(cs, r.externalId);
    expect(all.map((m) => m.channel_type)).toEqual(['sms']);
    expect(sms.provider_id).toBe(req!.sid);
    expect(req!.params.StatusCallback).toBe(`${cs.publicUrl}/v1/providers/twilio/status?m=${sms.id}`);
    expect(cs.street.smtp.messages.some((m) => m.to.includes('prefers-sms@example.org'))).toBe(false);
    const archived = await cs.street.get(`/v1/messages/${sms.id}/content`);
    expect(Buffer.from(await archived.arrayBuffer()).equals(Buffer.from(req!.params.Body!, 'utf8'))).toBe(
      true,
    );
  });

  it('status callbacks count only with a valid X-Twilio-Signature; a forged one gets 403 and changes nothing', async () => {
    const before = smsCount();
    const r = receivable({}, { phone: '+31644445555', preferredChannel: 'sms' });
    await cs.street.post('/v1/receivables', r);
    const [req] = (await cs.twilio.waitFor('message', before + 1, 10_000)).slice(before);
    const sms = await messageEventually(cs, r.externalId, (m) => m.status === 'sent', 'SMS sent');
    const path = `/v1/providers/twilio/status?m=${sms.id}`;
    const target = `${cs.runtimeUrl}${path}`;
    const signedUrl = `${cs.publicUrl}${path}`;
    const delivered = { AccountSid: cs.twilio.accountSid, MessageSid: req!.sid!, MessageStatus: 'delivered' };
    const historyBefore = await historyOf(cs, sms.id);

    const forged = [
      await cs.twilio.callback(target, signedUrl, delivered, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      await cs.twilio.callback(target, signedUrl, delivered, { authToken: 'someone-elses-token' }),
      await cs.twilio.callback(target, `${cs.publicUrl}/v1/providers/twilio/status?m=other`, delivered),
      await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(delivered).toString(),
      }),
    ];
    for (const res of forged) expect(res.status).toBe(403);
    // Signed for "undelivered" but sent as "delivered": the signature covers the parameters.
    const { twilioSignature } = await import('../support/twilio-server.js');
    const tampered = await cs.twilio.callback(target, signedUrl, delivered, {
      signature: twilioSignature(cs.twilio.authToken, signedUrl, {
        ...delivered,
        MessageStatus: 'undelivered',
      }),
    });
    expect(tampered.status).toBe(403);
    expect(await historyOf(cs, sms.id)).toEqual(historyBefore);
    expect((await messageEventually(cs, r.externalId, (m) => m.id === sms.id, 'sms')).status).toBe('sent');

    const queued = await cs.twilio.callback(target, signedUrl, { ...delivered, MessageStatus: 'sent' });
    expect(queued.status).toBe(204);
    const ok = await cs.twilio.callback(target, signedUrl, delivered);
    expect(ok.status).toBe(204);
    expect((await messageEventually(cs, r.externalId, (m) => m.id === sms.id, 'sms')).status).toBe(
      'delivered',
    );
    const history = await historyOf(cs, sms.id);
    expect(history.map((h) => h.status)).toEqual(['sending', 'sent', 'twilio:sent', 'delivered']);
    expect(history[3]).toMatchObject({ source: 'twilio', detail: { status: 'delivered', sid: req!.sid } });
  });

  it('a voice call reads the script in Dutch; pressing 1 texts the payment link, once', async () => {
    const before = cs.twilio.requests.filter((q) => q.kind === 'call').length;
    const r = receivable({ kind: 'test-voice' }, { phone: '+31655556666' });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const [call] = (await cs.twilio.waitFor('call', before + 1, 10_000)).slice(before);
    const voice = await messageEventually(
      cs,
      r.externalId,
      (m) => m.channel_type === 'voice' && m.status === 'sent',
      'call',
    );
    const gather = `${cs.publicUrl}/v1/providers/twilio/voice/gather?m=${voice.id}`;
    const say = '<Say language="nl-NL" voice="Polly.Lotte">';
    expect(call!.path).toBe(`/2010-04-01/Accounts/${cs.twilio.accountSid}/Calls.json`);
    expect(call!.params.To).toBe('+31655556666');
    expect(call!.params.From).toBe(VOICE_FROM);
    expect(call!.params.StatusCallback).toBe(`${cs.publicUrl}/v1/providers/twilio/status?m=${voice.id}`);
    expect(call!.params.StatusCallbackMethod).toBe('POST');
    expect(call!.params.Twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Gather numDigits="1" action="${gather}" method="POST" timeout="8">` +
        `${say}Goedendag, u spreekt met Woonstad Noord. Van uw huur staat nog € 620,79 open.</Say>` +
        `${say}Druk op 1 om de betaallink per sms te ontvangen.</Say>` +
        `</Gather>${say}Tot ziens.</Say></Response>`,
    );
    expect(voice.provider_id).toBe(call!.sid);
    const twiml = await cs.street.get(`/v1/messages/${voice.id}/content`);
    expect(twiml.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await twiml.text()).toBe(call!.params.Twiml);
    const script = await cs.street.get(`/v1/messages/${voice.id}/content?part=voice`);
    expect(await script.text()).toBe(
      'Goedendag, u spreekt met Woonstad Noord. Van uw huur staat nog € 620,79 open.',
    );

    const target = `${cs.runtimeUrl}/v1/providers/twilio/voice/gather?m=${voice.id}`;
    const pressed = { AccountSid: cs.twilio.accountSid, CallSid: call!.sid!, Digits: '1' };
    const smsBefore = smsCount();
    const forged = await cs.twilio.callback(target, gather, pressed, { authToken: 'wrong' });
    expect(forged.status).toBe(403);
    const res = await cs.twilio.callback(target, gather, pressed);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response>${say}U ontvangt de betaallink zo per sms. Tot ziens.</Say></Response>`,
    );
    const [sms] = (await cs.twilio.waitFor('message', smsBefore + 1, 10_000)).slice(smsBefore);
    expect(sms!.params.To).toBe('+31655556666');
    expect(sms!.params.Body).toMatch(
      /^Woonstad Noord: hier is de betaallink waar u om vroeg: https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24}$/,
    );
    // Twilio retrying the callback does not text the debtor again.
    expect((await cs.twilio.callback(target, gather, pressed)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(smsCount()).toBe(smsBefore + 1);
    const rows = await messagesOf(cs, r.externalId);
    expect(rows.map((m) => [m.channel_type, m.status])).toEqual([
      ['voice', 'sent'],
      ['sms', 'sent'],
    ]);

    // The call was not answered: a signed no-answer reports the voice message failed.
    const status = `${cs.runtimeUrl}/v1/providers/twilio/status?m=${voice.id}`;
    const statusUrl = `${cs.publicUrl}/v1/providers/twilio/status?m=${voice.id}`;
    await cs.twilio.callback(status, statusUrl, { CallSid: call!.sid!, CallStatus: 'no-answer' });
    await eventually(
      async () =>
        (await messagesOf(cs, r.externalId)).find((m) => m.id === voice.id && m.status === 'failed'),
      5_000,
      'voice failed',
    );
  });
});
