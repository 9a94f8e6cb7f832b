// What a collections clerk relies on when pausing a case: a first reminder that was not out yet — held
// back by the flow's spread until the dispatch window opens again — is not lost by a pause and a resume,
// goes out exactly once when it is due, and the timeline never calls it sent before it was.
// The live runtime with an injected clock (days pass by moving it), the real first-invoice flow of the
// base street with Woonstad Noord's overlay that spreads it at one welcome an hour.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

interface Timeline {
  status: string;
  cases: { status: string; timeline: { at: string; stepId?: string; text: string }[] }[];
  messages: { stepId: string; status: string }[];
  steps: { stepId: string; kind: string; status: string; dueAt: string }[];
}

// Friday 6 March 2026, 16:30 in Amsterdam: the window (Mon–Fri 09:00–17:00) closes at 17:00.
const FRIDAY_1630 = Date.parse('2026-03-06T15:30:00Z');
const SATURDAY_NOON = Date.parse('2026-03-07T11:00:00Z');
const SUNDAY_NOON = Date.parse('2026-03-08T11:00:00Z');
const MONDAY_0900 = '2026-03-09T08:00:00.000Z';
const MONDAY_1000 = '2026-03-09T09:00:00.000Z';
const MONDAY_1130 = Date.parse('2026-03-09T10:30:00Z');

const claimsASend = (text: string) => /\bsent\b/.test(text) && !text.startsWith('Not also sent');

describe('pausing and resuming a case whose first reminder waits for the dispatch window', () => {
  let street: TestStreet;
  let dir: string;
  let offset = 0;
  /** The receivables whose welcomes were booked for Monday 09:00 (b) and 10:00 (c), set by the first test. */
  let b = '';
  let c = '';
  const clock = () => new Date(Date.now() + offset);
  const moveTo = (t: number) => {
    offset = t - Date.now();
  };
  const template = JSON.parse(
    readFileSync('flows/first-invoice/test-receivables/first-invoice.json', 'utf8'),
  ) as Record<string, unknown> & { debtor: Record<string, unknown> };
  const receivable = (id: string) => ({
    ...template,
    externalId: id,
    debtor: { ...template.debtor, id: `D-${id}`, email: `${id.toLowerCase()}@example.org` },
  });
  const mailsTo = (id: string) =>
    street.smtp.messages.filter((m) => m.to.includes(`${id.toLowerCase()}@example.org`)).length;
  const timeline = async (id: string) =>
    (await (await street.get(`/v1/receivables/${id}`)).json()) as Timeline;
  const patch = (id: string, body: unknown) =>
    fetch(`${street.runtimes[0]!.url}/v1/receivables/${id}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer demo-woonstad-noord-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const welcome = async (id: string) => (await timeline(id)).steps.find((s) => s.kind === 'send')!;

  beforeAll(async () => {
    moveTo(FRIDAY_1630);
    dir = mkdtempSync(join(tmpdir(), 'ost-pause-'));
    cpSync('flows', join(dir, 'flows'), { recursive: true });
    const corp = join(dir, 'woonstad-noord');
    mkdirSync(corp);
    for (const f of ['corporation.yaml', 'erp-api-key.secret.yaml'])
      cpSync(join('examples/01-woonstad-noord', f), join(corp, f));
    writeFileSync(
      join(corp, 'first-invoice.yaml'),
      `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: first-invoice, namespace: woonstad-noord }
spec:
  extends: { name: first-invoice }
  dispatch:
    window: { days: [mon, tue, wed, thu, fri], from: '09:00', to: '17:00', skipHolidays: true }
    spread: { maxPerHour: 1 }
`,
    );
    street = await startStreet([join(dir, 'flows'), corp]);
    await street.startRuntime({}, { clock });
  });
  afterAll(async () => {
    await street?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a first reminder deferred to Monday, paused on Saturday and resumed on Sunday, goes out once on Monday and is "scheduled" until then', async () => {
    // The 16:00 hour takes one welcome; the next free slots inside the window are Monday 09:00 and 10:00.
    // Which receivable gets which is not fixed (intake may store them in different batches), so the roles
    // are read from what the street booked: B has Monday 09:00, C Monday 10:00.
    const ids = ['WAIT-A', 'WAIT-B', 'WAIT-C'];
    for (const id of ids) expect((await street.post('/v1/receivables', receivable(id))).status).toBe(202);
    await street.smtp.waitForMessages(1, 10_000);
    const first = ids.filter((id) => mailsTo(id) === 1);
    expect(first).toHaveLength(1);
    const booked = await eventually(
      async () => {
        const due = await Promise.all(
          ids.filter((id) => id !== first[0]).map(async (id) => [id, (await welcome(id))?.dueAt] as const),
        );
        return due.every(([, at]) => at === MONDAY_0900 || at === MONDAY_1000) ? due : undefined;
      },
      10_000,
      'the other two welcomes booked for Monday',
    );
    b = booked.find(([, at]) => at === MONDAY_0900)![0];
    c = booked.find(([, at]) => at === MONDAY_1000)![0];
    expect(await welcome(b)).toMatchObject({ status: 'scheduled', dueAt: MONDAY_0900 });
    const waiting = (await timeline(b)).cases[0]!.timeline;
    expect(waiting.filter((t) => claimsASend(t.text))).toEqual([]);

    moveTo(SATURDAY_NOON);
    for (const id of [b, c]) expect((await patch(id, { status: 'paused' })).status).toBe(200);
    expect(await welcome(b)).toMatchObject({ status: 'held', dueAt: MONDAY_0900 });
    moveTo(SUNDAY_NOON);
    expect((await patch(b, { status: 'open' })).status).toBe(200);
    // Resumed before its slot: it keeps Monday 09:00.
    expect(await welcome(b)).toMatchObject({ status: 'scheduled', dueAt: MONDAY_0900 });
    const before = await timeline(b);
    expect(before.cases[0]!.status).toBe('active');
    expect(before.cases[0]!.timeline.filter((t) => claimsASend(t.text))).toEqual([]);
    expect(before.cases[0]!.timeline.map((t) => t.text)).toContain(
      "Email 'first-invoice-email' scheduled for sending via email",
    );

    moveTo(Date.parse(MONDAY_0900) + 30_000);
    await eventually(async () => mailsTo(b) === 1 || undefined, 10_000, 'the welcome booked for 09:00');
    const after = await eventually(
      async () => {
        const t = await timeline(b);
        return t.cases[0]!.timeline.some((e) => claimsASend(e.text)) ? t : undefined;
      },
      5_000,
      'the timeline to say the welcome was sent',
    );
    const sent = after.cases[0]!.timeline.filter((t) => claimsASend(t.text));
    expect(sent).toEqual([
      {
        at: expect.stringMatching(/^2026-03-09T08:00:/),
        stepId: 'welcome',
        text: "Email 'first-invoice-email' sent to the debtor via email",
      },
    ]);
    expect(after.messages.map((m) => [m.stepId, m.status])).toEqual([['welcome', 'sent']]);
    // C is still paused: its welcome stays held past its slot, and nothing goes out.
    moveTo(Date.parse(MONDAY_1000) + 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(mailsTo(c)).toBe(0);
    expect(await welcome(c)).toMatchObject({ status: 'held' });
    expect(mailsTo(b)).toBe(1);
  });

  it('a first reminder whose slot passed while paused goes out once at the resume, and not before', async () => {
    moveTo(MONDAY_1130);
    expect((await patch(c, { status: 'open' })).status).toBe(200);
    await eventually(async () => mailsTo(c) === 1 || undefined, 10_000, 'the welcome booked for 10:00');
    const t = await eventually(
      async () => {
        const got = await timeline(c);
        return got.cases[0]!.timeline.some((e) => claimsASend(e.text)) ? got : undefined;
      },
      5_000,
      'the timeline to say the welcome was sent',
    );
    expect(t.cases[0]!.timeline.filter((e) => claimsASend(e.text))).toEqual([
      {
        at: expect.stringMatching(/^2026-03-09T10:3/),
        stepId: 'welcome',
        text: "Email 'first-invoice-email' sent to the debtor via email",
      },
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mailsTo(c)).toBe(1);
    expect(street.smtp.messages).toHaveLength(3);
  });
});
