import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQuotedPrintable } from '../support/mail.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const example = () =>
  JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8')) as Record<
    string,
    unknown
  >;

describe('walking skeleton: one receivable through the street', () => {
  let street: TestStreet;
  beforeAll(async () => {
    street = await startStreet();
    await street.startRuntime();
  });
  afterAll(async () => {
    await street?.stop();
  });

  it('an ERP posts a storno and a branded email with the amount in Dutch notation and a payment link goes out', async () => {
    const res = await street.post('/v1/receivables', example());
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ externalId: 'WN-2026-000123', status: 'accepted' });
    const [mail] = await street.smtp.waitForMessages(1, 5_000);
    expect(mail!.to).toEqual(['k.balogun@example.org']);
    const raw = decodeQuotedPrintable(mail!.raw);
    expect(raw).toMatch(/^From: Woonstad Noord <noreply@woonstad-noord\.example>/m);
    expect(raw).toMatch(/^Reply-To: huur@woonstad-noord\.example/m);
    expect(raw).toContain('€ 620,79');
    expect(raw).toContain('#00695c');
    expect(raw).toMatch(/https:\/\/betalen\.woonstad-noord\.example\/p\/[A-Za-z0-9_-]{24}/);
    expect(raw).toContain('Beste heer Balogun');

    const timeline = await eventually(async () => {
      const t = (await (await street.get('/v1/receivables/WN-2026-000123')).json()) as {
        messages: { status: string }[];
      };
      return t.messages.some((m) => m.status === 'sent') ? t : undefined;
    });
    expect(timeline).toMatchObject({
      externalId: 'WN-2026-000123',
      amount: 62079,
      cases: [{ flow: 'storno', status: 'active' }],
      messages: [{ channel: 'email', template: 'storno-email', status: 'sent' }],
    });
    // What the flow did, in sentences, with the case; the event feed keeps to what an ERP acts on.
    const { cases, events } = timeline as unknown as {
      cases: { timeline: { at: string; text: string }[] }[];
      events: { type: string }[];
    };
    expect(cases[0]!.timeline.length).toBeGreaterThan(0);
    for (const entry of cases[0]!.timeline) expect(entry.text).toMatch(/\w/);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['receivable.accepted', 'case.started']),
    );
    expect(events.map((e) => e.type)).not.toContain('timeline');
  });

  it('posting the same externalId twice sends one mail', async () => {
    const body = { ...example(), externalId: 'WN-TWICE-1' };
    const before = street.smtp.messages.length;
    expect((await street.post('/v1/receivables', body)).status).toBe(202);
    expect((await street.post('/v1/receivables', body)).status).toBe(202);
    await street.smtp.waitForMessages(before + 1, 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(street.smtp.messages.length).toBe(before + 1);
  });

  it('a malformed receivable gets 400 naming the field, and nothing is stored', async () => {
    const body = {
      ...example(),
      externalId: 'WN-BAD-1',
      debtor: { id: 'D-1', name: 'X', email: 'not-an-email' },
    };
    const res = await street.post('/v1/receivables', body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { code: string; message: string; errors: { field: string }[] };
    expect(err.code).toBe('OST_ERR_VALIDATION');
    expect(err.message).toContain('debtor.email');
    expect(err.errors).toContainEqual({ field: 'debtor.email', message: 'must be a valid email' });
    expect((await street.get('/v1/receivables/WN-BAD-1')).status).toBe(404);
  });

  it('a request without a known API key is refused with a hint', async () => {
    const res = await street.post('/v1/receivables', example(), 'wrong-key');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toContain('Authorization: Bearer');
  });

  it('serves health and readiness publicly, and metrics only on the internal port', async () => {
    expect((await street.get('/healthz')).status).toBe(200);
    expect(await (await street.get('/readyz')).json()).toEqual({ ready: true, failing: [] });
    expect((await street.get('/metrics')).status).toBe(404);
    const internal = street.runtimes[0]!.metricsUrl;
    expect((await fetch(`${internal}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${internal}/metrics`)).text();
    expect(metrics).toContain('outputstraat_receivables_accepted_total{corporation="woonstad-noord"}');
    expect(metrics).toMatch(
      /outputstraat_config_revision_info\{corporation="woonstad-noord",revision="[0-9a-f]{16}"\} 1/,
    );
  });
});
