// Holding a link is not a licence to submit forever: a contact link is spent by its first submission,
// and page POSTs are limited per link token and per client address (a 429 page, nothing stored). Real
// street: PostgreSQL, NATS, SMTP and the runtime's own HTTP server; clients on distinct loopback addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { NOORD, type PagesStreet, rentReceivable, startPagesStreet } from '../support/browser.js';
import { formPost, type PageRequest, requestPage } from '../support/page-request.js';
import { eventually, TEST_LINKS } from '../support/street.js';

let s: PagesStreet;

const page = (path: string, init: PageRequest = {}) => requestPage(s.port, NOORD.host, path, init);

async function count(table: string, where = sql.fragment`TRUE`): Promise<number> {
  return Number(
    await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM ${sql.identifier([table])} WHERE ${where}`),
  );
}

let n = 0;
interface FormLink {
  token: string;
  receivableId: string;
  /** Each meter link its own meter, so earlier readings of another test are no baseline. */
  meter: string;
}

/** A new receivable of Noord and a form link for it, as a campaign message would carry. */
async function formLink(purpose: 'contact' | 'meter'): Promise<FormLink> {
  const externalId = `PL-${++n}`;
  await s.postReceivable(
    NOORD.apiKey,
    rentReceivable(externalId, purpose === 'meter' ? { kind: 'meter-reading', amount: 0 } : {}),
  );
  const receivableId = await s.receivableId(NOORD.id, externalId);
  const token = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, receivableId, purpose);
  return { token, receivableId, meter: `WM-1000-${String(n).padStart(4, '0')}` };
}

/** A plausible meter reading (a higher one each time), posted from `from`, optionally through a proxy. */
const reading = (link: FormLink, value: number, from: string, forwardedFor?: string): PageRequest =>
  formPost(
    { meterNumber: link.meter, reading: String(value), readOn: '2026-05-01' },
    { from, ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}) },
  );

beforeAll(async () => {
  s = await startPagesStreet({
    env: {
      OST_PAGE_POSTS_PER_TOKEN: '3/3600',
      OST_PAGE_POSTS_PER_ADDRESS: '6/3600',
      // 127.0.0.40 plays the ingress: only its X-Forwarded-For is believed.
      OST_TRUST_PROXY: '127.0.0.40',
    },
  });
});
afterAll(async () => {
  await s?.stop();
});

describe('a contact link works once', () => {
  const from = '127.0.0.10';

  it('after a submission the link says the details were received, and a second POST stores nothing', async () => {
    const { token, receivableId } = await formLink('contact');
    const sent = s.street.smtp.messages.length;
    const first = await page(
      `/f/${token}`,
      formPost({ mobile: '06 1234 5678', email: 'a@example.org' }, { from }),
    );
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/f/${token}?lang=nl&done=1&mail=1`);
    expect((await page(first.location!, { from })).body).toContain('Uw contactgegevens zijn opgeslagen.');
    await eventually(
      async () => s.street.smtp.messages.slice(sent).some((m) => m.to.includes('a@example.org')),
      5_000,
      'the confirmation email',
    );
    const where = sql.fragment`receivable_id = ${receivableId}`;
    const stored = {
      updates: await count('contact_updates', where),
      events: await count('events', sql.fragment`${where} AND type = 'contact.updated'`),
      messages: await count('messages', sql.fragment`${where} AND template = 'contact-confirmation'`),
    };
    expect(stored).toEqual({ updates: 1, events: 1, messages: 1 });

    const again = await page(`/f/${token}`, { from });
    expect(again.status).toBe(200);
    expect(again.body).toContain('Al ontvangen');
    expect(again.body).toContain('Wij hebben uw contactgegevens via deze link al ontvangen.');
    expect(again.body).not.toContain('<form');
    const english = await page(`/f/${token}?lang=en`, { from });
    expect(english.body).toContain('Already received');

    const second = await page(
      `/f/${token}`,
      formPost({ mobile: '06 8765 4321', email: 'b@example.org' }, { from }),
    );
    expect(second.status).toBe(303);
    expect(second.location).toBe(`/f/${token}?lang=nl`);
    expect((await page(second.location!, { from })).body).toContain('Al ontvangen');
    await new Promise((r) => setTimeout(r, 300));
    expect({
      updates: await count('contact_updates', where),
      events: await count('events', sql.fragment`${where} AND type = 'contact.updated'`),
      messages: await count('messages', sql.fragment`${where} AND template = 'contact-confirmation'`),
    }).toEqual(stored);
    expect(s.street.smtp.messages.slice(sent).filter((m) => m.to.includes('b@example.org'))).toHaveLength(0);
    const phones = await s.db.anyFirst(sql.unsafe`SELECT phone FROM contact_updates WHERE ${where}`);
    expect(phones).toEqual(['+31612345678']);
  });

  it('two submissions at the same moment store one', async () => {
    const { token, receivableId } = await formLink('contact');
    const answers = await Promise.all(
      ['06 1111 1111', '06 2222 2222'].map((mobile) => page(`/f/${token}`, formPost({ mobile }, { from }))),
    );
    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    expect(await count('contact_updates', sql.fragment`receivable_id = ${receivableId}`)).toBe(1);
  });

  it('a contact link closed without being used is the plain 404', async () => {
    const { token, receivableId } = await formLink('contact');
    await s.db.query(sql.unsafe`UPDATE links SET closed_at = now() WHERE receivable_id = ${receivableId}`);
    const closed = await page(`/f/${token}`, { from });
    expect(closed.status).toBe(404);
    expect(closed.body).toContain('Pagina niet gevonden');
    expect((await page(`/f/${token}`, formPost({ mobile: '06 1234 5678' }, { from }))).status).toBe(404);
    expect(await count('contact_updates', sql.fragment`receivable_id = ${receivableId}`)).toBe(0);
  });
});

describe('page POSTs are rate limited', () => {
  it('over the limit of one token: 429 with Retry-After and nothing stored, while another token still works', async () => {
    const from = '127.0.0.20';
    const a = await formLink('meter');
    const b = await formLink('meter');
    for (const value of [100, 101, 102]) {
      expect((await page(`/f/${a.token}`, reading(a, value, from))).status).toBe(303);
    }
    const over = await page(`/f/${a.token}`, reading(a, 103, from));
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.body).toContain('Even geduld');
    expect(over.body).toContain('Er is niets opgeslagen.');
    expect(over.headers['content-security-policy']).toContain("default-src 'none'");
    // Even from a different address: the token's own limit holds.
    expect((await page(`/f/${a.token}`, reading(a, 104, '127.0.0.21'))).status).toBe(429);
    expect(await count('meter_readings', sql.fragment`receivable_id = ${a.receivableId}`)).toBe(3);

    expect((await page(`/f/${b.token}`, reading(b, 200, from))).status).toBe(303);
    expect(await count('meter_readings', sql.fragment`receivable_id = ${b.receivableId}`)).toBe(1);
    // Reading the page is not limited.
    expect((await page(`/f/${a.token}`, { from })).status).toBe(200);
  });

  it('over the limit of one address: 429 and nothing stored, while another address still works', async () => {
    const from = '127.0.0.30';
    const links = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => formLink('meter')));
    for (const link of links.slice(0, 6)) {
      expect((await page(`/f/${link.token}`, reading(link, 300, from))).status).toBe(303);
    }
    const last = links[6]!;
    const over = await page(`/f/${last.token}`, reading(last, 300, from));
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Claiming another address does not help when the runtime does not trust the sender as a proxy.
    expect((await page(`/f/${last.token}`, reading(last, 300, from, '198.51.100.7'))).status).toBe(429);
    expect(await count('meter_readings', sql.fragment`receivable_id = ${last.receivableId}`)).toBe(0);

    expect((await page(`/f/${last.token}`, reading(last, 300, '127.0.0.31'))).status).toBe(303);
    expect(await count('meter_readings', sql.fragment`receivable_id = ${last.receivableId}`)).toBe(1);
  });

  it('behind a trusted proxy each forwarded client address has its own limit', async () => {
    const proxy = '127.0.0.40';
    const links = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => formLink('meter')));
    for (const link of links.slice(0, 6)) {
      expect((await page(`/f/${link.token}`, reading(link, 400, proxy, '203.0.113.1'))).status).toBe(303);
    }
    const last = links[6]!;
    expect((await page(`/f/${last.token}`, reading(last, 400, proxy, '203.0.113.1'))).status).toBe(429);
    expect((await page(`/f/${last.token}`, reading(last, 400, proxy, '203.0.113.2'))).status).toBe(303);
    expect(await count('meter_readings', sql.fragment`receivable_id = ${last.receivableId}`)).toBe(1);
  });
});
