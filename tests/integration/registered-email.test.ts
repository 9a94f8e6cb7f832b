// Registered email on a real street: a flow step on a `registered-email` Channel posts the message,
// signed, to the provider (a real HTTP server here that checks our signature); the provider's signed
// proof callback is recorded on the message (registered.delivered with the proof id), in the feed and the
// timeline. Unsigned, wrongly signed, stale, replayed-for-another-message and hostile callbacks are refused.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  historyOf,
  messageEventually,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

const SECRET = 'test-registered-email-secret';
const ENV = 'OST_SECRET_WOONSTAD_NOORD__REGISTERED_EMAIL__hmacSecret';

const sign = (secret: string, body: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

const resources = (providerUrl: string) => `apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: registered-email, namespace: woonstad-noord }
spec:
  type: email
  provider: registered-email
  credentialsSecretRef: { name: registered-email }
  registeredEmail: { url: '${providerUrl}' }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: registered-email-test, namespace: woonstad-noord }
spec:
  priority: 6
  appliesTo: { kinds: [test-registered-email] }
  rules:
    - { name: test-registered-email, when: "receivable.kind == 'test-registered-email'", classification: test-registered-email, flow: test-registered-email }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: test-registered-email, namespace: woonstad-noord }
spec:
  trigger: { kinds: [test-registered-email], classifications: [test-registered-email] }
  channels: { fallback: [email] }
  steps:
    - id: registered
      send: { channel: registered-email, template: storno-email }
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
`;

describe('registered email with a delivery-proof callback', () => {
  let cs: ChannelStreet;
  let provider: Server;
  const received: { signatureOk: boolean; body: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    provider = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = String(req.headers['outputstraat-signature'] ?? '');
        const t = /t=(\d+)/.exec(header)?.[1] ?? '0';
        received.push({ signatureOk: header === sign(SECRET, raw, Number(t)), body: JSON.parse(raw) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(provider.address() as { port: number }).port}`;
    process.env[ENV] = SECRET;
    cs = await startChannelStreet(
      { 'registered-email.yaml': resources(`http://${host}/send`) },
      { allowHosts: [host] },
    );
  });
  afterAll(async () => {
    await cs?.stop();
    delete process.env[ENV];
    await new Promise((r) => provider.close(r));
  });

  it('posts the message signed, and records the signed proof with its id; refuses every callback it cannot trust', async () => {
    const r = receivable({ kind: 'test-registered-email' });
    expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
    const m = await messageEventually(
      cs,
      r.externalId,
      (x) => x.channel === 'registered-email' && x.status === 'sent',
      'the registered email',
      15_000,
    );
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      signatureOk: true,
      body: {
        messageId: m.id,
        to: 'k.balogun@example.org',
        proofCallback: expect.stringMatching(/\/v1\/providers\/registered-email\/proof$/),
      },
    });
    expect(String(received[0]!.body.subject)).not.toBe('');

    const proof = (body: unknown, signature?: string) => {
      const raw = JSON.stringify(body);
      return fetch(`${cs.runtimeUrl}/v1/providers/registered-email/proof`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'outputstraat-signature': signature ?? sign(SECRET, raw),
        },
        body: raw,
      });
    };
    const good = {
      messageId: m.id,
      event: 'delivered',
      proofId: 'RE-2026-0001',
      at: '2026-12-03T09:15:00Z',
      proofSha256: 'a'.repeat(64),
    };

    // Refused: no signature, another secret (another corporation's provider), a stale one, an unknown message.
    const refused = [
      await proof(good, 'nonsense'),
      await proof(good, sign('another-corporations-secret', JSON.stringify(good))),
      await proof(good, sign(SECRET, JSON.stringify(good), Math.floor(Date.now() / 1000) - 3600)),
      await proof({ ...good, messageId: '00000000-0000-4000-8000-000000000000' }),
    ];
    expect(refused.map((res) => res.status)).toEqual([403, 403, 403, 403]);
    // Signed but hostile: each field named.
    const hostile = await proof({
      ...good,
      event: 'eaten',
      proofId: "'; DROP TABLE messages;--",
      at: 'soon',
    });
    expect(hostile.status).toBe(400);
    const problem = (await hostile.json()) as { code: string; message: string };
    expect(problem.code).toBe('OST_ERR_VALIDATION');
    for (const field of ['event', 'proofId', 'at']) expect(problem.message).toContain(field);
    const huge = await proof({ ...good, pad: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect((await historyOf(cs, m.id)).filter((h) => h.status.startsWith('registered.'))).toEqual([]);

    // The real proof, twice (the provider retries): recorded once.
    expect((await proof(good)).status).toBe(204);
    expect((await proof(good)).status).toBe(204);
    const history = (await historyOf(cs, m.id)).filter((h) => h.status.startsWith('registered.'));
    expect(history).toEqual([
      {
        status: 'registered.delivered',
        source: 'registered-email',
        detail: {
          trackingNumber: 'RE-2026-0001',
          date: '2026-12-03',
          at: '2026-12-03T09:15:00.000Z',
          proofSha256: 'a'.repeat(64),
        },
      },
    ]);
    const events = await cs.db.anyFirst(sql.unsafe`
      SELECT type FROM events WHERE type LIKE 'message.registered.%'`);
    expect(events).toEqual(['message.registered.delivered']);
    await eventually(
      async () => {
        const view = (await (await cs.street.get(`/v1/receivables/${r.externalId}`)).json()) as {
          cases: { timeline: { text: string }[] }[];
        };
        return (
          view.cases[0]!.timeline.some(
            (t) =>
              t.text ===
              'Registered email storno-email delivered on 2026-12-03, proof RE-2026-0001, as reported by the provider.',
          ) || undefined
        );
      },
      5_000,
      'the timeline sentence',
    );
  });
});
