import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStreet, type TestStreet } from '../support/street.js';
import { startTwilioServer, type TestTwilioServer } from '../support/twilio-server.js';

const DAY = 24 * 3600_000;
const SERVICE = 'MG00000000000000000000000000000001';

// The live runtime with an injected clock: the real base storno flow and Woonstad Noord, whose SMS
// channel reaches a Twilio-speaking server. Days pass by moving the clock of intake, scheduler and
// dispatch forward; nothing else is stubbed.
describe('reactions that take days, on the live runtime', () => {
  let street: TestStreet;
  let twilio: TestTwilioServer;
  let dir: string;
  let offset = 0;
  // Tuesday 3 March 2026, 10:00 in Amsterdam: outside the SMS channel's quiet hours two days later too.
  const start = new Date('2026-03-03T09:00:00Z').getTime();
  const clock = () => new Date(Date.now() + offset);
  const env: Record<string, string> = {};

  beforeAll(async () => {
    offset = start - Date.now();
    twilio = await startTwilioServer();
    Object.assign(env, {
      OST_TWILIO_API_BASE: twilio.url,
      OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__accountSid: twilio.accountSid,
      OST_SECRET_WOONSTAD_NOORD__TWILIO_CREDENTIALS__authToken: twilio.authToken,
    });
    Object.assign(process.env, env);
    dir = mkdtempSync(join(tmpdir(), 'ost-days-'));
    cpSync('flows', join(dir, 'flows'), { recursive: true });
    const corp = join(dir, 'woonstad-noord');
    mkdirSync(corp);
    for (const f of ['corporation.yaml', 'erp-api-key.secret.yaml'])
      cpSync(join('examples/01-woonstad-noord', f), join(corp, f));
    writeFileSync(
      join(corp, 'sms.yaml'),
      `apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: sms, namespace: woonstad-noord }
spec:
  type: sms
  provider: twilio
  credentialsSecretRef: { name: twilio-credentials }
  twilio: { messagingServiceSid: ${SERVICE} }
  quietHours: { from: '21:00', to: '08:00' }
`,
    );
    street = await startStreet([join(dir, 'flows'), corp]);
    await street.startRuntime({}, { clock });
  });
  afterAll(async () => {
    await street?.stop();
    await twilio?.stop();
    for (const key of Object.keys(env)) delete process.env[key];
    rmSync(dir, { recursive: true, force: true });
  });

  it('a storno email not opened within two days gets an SMS too', async () => {
    const receivable = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
    expect((await street.post('/v1/receivables', { ...receivable, externalId: 'DAYS-1' })).status).toBe(202);
    await street.smtp.waitForMessages(1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(twilio.requests.filter((r) => r.kind === 'message')).toHaveLength(0);

    offset += 2 * DAY + 60_000;
    const [sms] = await twilio.waitFor('message', 1, 10_000);
    expect(sms!.params.To).toBe('+31612345678');
    expect(sms!.params.MessagingServiceSid).toBe(SERVICE);
    expect(sms!.params.Body).toContain('€ 620,79');

    type Timeline = { messages: { channel: string; status: string; sentAt: string }[] };
    const timeline = await eventually(
      async () => {
        const t = (await (await street.get('/v1/receivables/DAYS-1')).json()) as Timeline;
        return t.messages.every((m) => m.status === 'sent') ? t : undefined;
      },
      5_000,
      'both messages recorded as sent',
    );
    expect(timeline.messages.map((m) => [m.channel, m.status])).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
  });
});
