// The contact budget on the live street (docs/contact-budget.md): three runtime replicas share Postgres,
// NATS JetStream and an SMTP sink; the street defaults of the base allow one message per household per
// two days. Three flows (legal, arrears, reminder) want to reach one household — two debtors at one
// address — at the same 09:00: exactly one mail goes out (the legal notice), the others are deferred with
// a sentence in their timeline and go out two and four days later, in priority order. The simulator,
// given the same receivables, defers the same sends to the same moments with the same words.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateHousehold } from '../../core/simulator/index.js';
import { compileStreet } from '../../operator/compiler/index.js';
import { readResourceFiles } from '../../operator/sources/read-resource-files.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const FIXTURE = 'tests/support/fixtures/budget-street';
const KEY = 'budget-wonen-test-key';
const DAY = 24 * 3600_000;
// Tuesday 3 March 2026, 08:30 in Amsterdam: the flows' window opens at 09:00 (08:00 UTC).
const START = new Date('2026-03-03T07:30:00Z');
const NINE = new Date('2026-03-03T08:00:00Z').getTime();

const address = { street: 'Kerkstraat', houseNumber: '12', postalCode: '1234 AB', city: 'Utrecht' };
const receivable = (externalId: string, kind: string, debtorId: string, name: string) => ({
  externalId,
  kind,
  amount: 45_000,
  currency: 'EUR',
  dueDate: '2026-02-01',
  paymentReference: `REF-${externalId}`,
  source: 'production' as const,
  debtor: {
    id: debtorId,
    name,
    email: `${debtorId.toLowerCase()}@example.org`,
    locale: 'nl' as const,
    address,
  },
});
// One household (one address), two debtors; posted in the order a priority-blind street would send them.
const RECEIVABLES = [
  receivable('BW-INV-1', 'invoice', 'D-PARTNER', 'Sam de Vries'),
  receivable('BW-RENT-1', 'rent', 'D-TENANT', 'Kim de Vries'),
  receivable('BW-LEGAL-1', 'legal', 'D-TENANT', 'Kim de Vries'),
];
const FLOW_OF: Record<string, string> = {
  'BW-INV-1': 'invoice-reminder',
  'BW-RENT-1': 'arrears',
  'BW-LEGAL-1': 'legal-notice',
};

interface Timeline {
  cases: { flow: string; timeline: { at: string; text: string; stepId?: string }[] }[];
  steps: { stepId: string; kind: string; status: string; dueAt: string }[];
}

describe('the contact budget across three runtime replicas', () => {
  let street: TestStreet;
  let sql: pg.Pool;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const setClock = (at: number) => {
    offset = at - Date.now();
  };

  beforeAll(async () => {
    setClock(START.getTime());
    street = await startStreet([FIXTURE]);
    for (let i = 0; i < 3; i++) await street.startRuntime({}, { clock });
    sql = new pg.Pool({ connectionString: street.db.url, max: 2 });
  });
  afterAll(async () => {
    await sql?.end();
    await street?.stop();
  });

  const timelineOf = async (externalId: string) =>
    (await (await street.get(`/v1/receivables/${externalId}`, KEY)).json()) as Timeline;
  /** Which flow each mail the sink received so far came from, in arrival order. */
  const mailedFlows = async () => {
    const ids = street.smtp.messages.map((m) => /^X-Outputstraat-Message-Id: *(\S+)/im.exec(m.raw)?.[1]);
    const { rows } = await sql.query(
      'SELECT m.id::text, c.flow FROM messages m JOIN cases c ON c.id = m.case_id WHERE m.id = ANY($1::uuid[])',
      [ids],
    );
    const flowOf = new Map(rows.map((r) => [r.id as string, r.flow as string]));
    return ids.map((id) => flowOf.get(id!) ?? 'unknown');
  };
  const deferrals = (t: Timeline) => t.cases[0]!.timeline.filter((e) => e.text.includes(' deferred to '));

  it('sends the highest priority first and defers the others, in order, with the reason', async () => {
    for (const r of RECEIVABLES) {
      const res = await fetch(`${street.runtimes[r === RECEIVABLES[0] ? 0 : 1]!.url}/v1/receivables`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(r),
      });
      expect(res.status).toBe(202);
    }
    // All three cases wait for the window: nothing goes before 09:00.
    await eventually(
      async () => {
        const all = await Promise.all(RECEIVABLES.map((r) => timelineOf(r.externalId)));
        return all.every((t) => t.cases?.length === 1) ? all : undefined;
      },
      10_000,
      'three cases started',
    );
    expect(street.smtp.messages).toHaveLength(0);

    setClock(NINE + 5_000);
    await street.smtp.waitForMessages(1, 15_000);
    // The other two are decided (deferred) within a few scheduler rounds; no second mail comes.
    const deferred = await eventually(
      async () => {
        const [inv, rent] = await Promise.all([timelineOf('BW-INV-1'), timelineOf('BW-RENT-1')]);
        return deferrals(inv).length > 0 && deferrals(rent).length > 0 ? { inv, rent } : undefined;
      },
      15_000,
      'both lower sends deferred',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await mailedFlows()).toEqual(['legal-notice']);
    // Deferred to 09:00 two and four days later (local time), with the rule that holds them.
    const rentSends = deferred.rent.steps.filter((s) => s.kind === 'send');
    expect(rentSends.map((s) => [s.status, s.dueAt])).toEqual([
      ['scheduled', new Date(NINE + 2 * DAY + 60_000).toISOString()],
    ]);
    expect(deferrals(deferred.rent).at(-1)?.text).toMatch(
      /^Email 'notice-email' deferred to 5 Mar 2026 09:01: (a legal message of the household goes first|the household had a message just now) \(at most 1 message per 2 days\)$/,
    );
    // The invoice reminder waits for both: the legal notice now, the arrears reminder two days later.
    const invSends = deferred.inv.steps.filter((s) => s.kind === 'send');
    expect(invSends.map((s) => [s.status, s.dueAt])).toEqual([
      ['scheduled', new Date(NINE + 4 * DAY + 60_000).toISOString()],
    ]);
    expect(deferrals(deferred.inv).at(-1)?.text).toBe(
      "Email 'notice-email' deferred to 7 Mar 2026 09:01: an arrears message of the household goes first (at most 1 message per 2 days)",
    );

    // Two days later the arrears reminder goes, and only it.
    setClock(NINE + 2 * DAY + 90_000);
    await street.smtp.waitForMessages(2, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await mailedFlows()).toEqual(['legal-notice', 'arrears']);

    // Four days later the invoice reminder.
    setClock(NINE + 4 * DAY + 150_000);
    await street.smtp.waitForMessages(3, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await mailedFlows()).toEqual(['legal-notice', 'arrears', 'invoice-reminder']);
    expect(street.smtp.messages).toHaveLength(3);

    // The deferrals are counted by reason, without personal data in the labels.
    const scraped = await Promise.all(
      street.runtimes.map(async (r) => (await fetch(`${r.metricsUrl}/metrics`)).text()),
    );
    const lines = scraped
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.startsWith('outputstraat_contact_deferrals_total{'));
    const total = lines.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(total).toBeGreaterThanOrEqual(2);
    for (const l of lines) {
      expect(l).toMatch(
        /^outputstraat_contact_deferrals_total\{corporation="budget-wonen",flow="[a-z-]+",reason="[a-z-]+"\} \d+$/,
      );
      expect(l).not.toMatch(/Vries|D-TENANT|D-PARTNER|1234/);
    }

    // The simulator, with the same receivables from the same moment, tells the same story.
    const compiled = compileStreet(readResourceFiles([FIXTURE]).resources);
    const bundle = compiled.bundles.find((b) => b.corporation.id === 'budget-wonen')!;
    const sim = simulateHousehold({
      bundle,
      cases: RECEIVABLES.map((r) => ({ receivable: r })),
      start: START,
      until: new Date(NINE + 6 * DAY),
    });
    const simSends = sim.cases
      .flatMap((c) => c.messages.map((m) => ({ flow: c.flow, at: m.at })))
      .sort((a, b) => a.at.localeCompare(b.at));
    expect(simSends.map((s) => s.flow)).toEqual(['legal-notice', 'arrears', 'invoice-reminder']);
    const liveMessages = await Promise.all(RECEIVABLES.map((r) => timelineOf(r.externalId)));
    // The same moments to the minute: the simulator's are exact, the live ones within the minute.
    const liveAt = new Map(
      RECEIVABLES.map((r, i) => [
        FLOW_OF[r.externalId]!,
        liveMessages[i]!.steps.find((s) => s.kind === 'send')!.dueAt,
      ]),
    );
    for (const s of simSends) {
      const live = new Date(liveAt.get(s.flow)!).getTime();
      expect(Math.abs(live - new Date(s.at).getTime())).toBeLessThanOrEqual(60_000);
    }
    // And the same deferrals: to the same day under the same rule (the live ones name 09:01: they were
    // decided a few seconds after 09:00, the simulated ones at 09:00 sharp; which of the sends ahead the
    // sentence names depends on whether the live legal notice was already recorded).
    const sameMinute = (text: string) =>
      /deferred to (\d+ \w+ \d+) \d\d:\d\d: .*(\(.*\))$/.exec(text)?.slice(1).join(' ');
    for (const [i, r] of RECEIVABLES.entries()) {
      const simDeferrals = sim.cases[i]!.timeline.filter((e) => e.text.includes(' deferred to '));
      const liveDeferrals = deferrals(liveMessages[i]!);
      expect(simDeferrals.length, r.externalId).toBe(liveDeferrals.length);
      if (simDeferrals.length > 0) {
        expect(
          liveDeferrals.map((e) => sameMinute(e.text)),
          r.externalId,
        ).toContain(sameMinute(simDeferrals[0]!.text));
      }
    }
    expect(sim.cases.map((c) => c.messages.map((m) => m.at))).toEqual([
      [new Date(NINE + 4 * DAY).toISOString()],
      [new Date(NINE + 2 * DAY).toISOString()],
      [new Date(NINE).toISOString()],
    ]);
  });

  it('skips a campaign over the budget with the reason, and another corporation at the same address has its own budget', async () => {
    // Monday 9 March, 09:00: the household had the invoice reminder on Saturday, less than two days ago.
    const post = (url: string, key: string, body: unknown) =>
      fetch(`${url}/v1/receivables`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const campaign = receivable('BW-CAMPAIGN-1', 'campaign', 'D-TENANT', 'Kim de Vries');
    // Budget Zuid knows a tenant with the same ERP ids at the same address: a household of its own.
    const zuid = receivable('BZ-INV-1', 'invoice', 'D-TENANT', 'Kim de Vries');
    expect((await post(street.runtimes[2]!.url, KEY, campaign)).status).toBe(202);
    expect((await post(street.runtimes[1]!.url, 'budget-zuid-test-key', zuid)).status).toBe(202);
    // Budget Wonen's key does not reach Budget Zuid's receivable.
    expect((await street.get('/v1/receivables/BZ-INV-1', KEY)).status).toBe(404);
    await eventually(
      async () => {
        const t = await timelineOf('BW-CAMPAIGN-1');
        const z = (await (
          await street.get('/v1/receivables/BZ-INV-1', 'budget-zuid-test-key')
        ).json()) as Timeline;
        return t.cases?.length === 1 && z.cases?.length === 1;
      },
      10_000,
      'both cases started',
    );
    setClock(NINE + 6 * DAY + 5_000);
    await street.smtp.waitForMessages(4, 15_000);
    const skipped = await eventually(
      async () => {
        const t = await timelineOf('BW-CAMPAIGN-1');
        return t.steps.some((s) => s.kind === 'send' && s.status === 'skipped') ? t : undefined;
      },
      15_000,
      'the campaign skipped',
    );
    expect(skipped.cases[0]!.timeline.map((e) => e.text)).toContain(
      "Email 'notice-email' not sent: over the contact budget: the household had a message 1 day ago (at most 1 message per 2 days)",
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(street.smtp.messages).toHaveLength(4);
    const { rows } = await sql.query(
      `SELECT m.corporation, c.flow FROM messages m JOIN cases c ON c.id = m.case_id
       WHERE m.counted_at >= $1 ORDER BY m.counted_at`,
      [new Date(NINE + 6 * DAY).toISOString()],
    );
    expect(rows).toEqual([{ corporation: 'budget-zuid', flow: 'invoice-reminder' }]);
  });
});
