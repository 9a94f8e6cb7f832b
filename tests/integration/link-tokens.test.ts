// Link tokens live in the debtor's messages, never in the database: what is stored is their SHA-256 (and
// for links the runtime made, an id the token is derived from with OST_LINK_SECRET). The street starts on
// a database at the schema before migration 009 holding links made the old way (plaintext tokens), so the
// migration and the links that went out before it are tested too. Real PostgreSQL, NATS, SMTP, Mollie.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, MIGRATIONS_DIRECTORY, runMigrations, sql } from '../../platform/db/index.js';
import { ensureFormLink } from '../../runtime/forms/form-links.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { NOORD, type PagesStreet, rentReceivable, startPagesStreet, WEST, ZUID } from '../support/browser.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { formPost, type PageRequest, requestPage } from '../support/page-request.js';
import { startRuntimeProcess } from '../support/runtime-process.js';
import { eventually, quietLog, TEST_LINKS } from '../support/street.js';

let s: PagesStreet;
let databaseUrl: string;
const page = (host: string | undefined, path: string, init: PageRequest = {}) =>
  requestPage(s.port, host, path, init);

/** Links as the runtime made them before migration 009: 18 random bytes, stored as they are. */
const legacy = {
  payment: randomBytes(18).toString('base64url'),
  contact: randomBytes(18).toString('base64url'),
  zuid: randomBytes(18).toString('base64url'),
};

async function legacyStreet(url: string): Promise<void> {
  databaseUrl = url;
  const before = mkdtempSync(join(tmpdir(), 'ost-migrations-'));
  for (const file of readdirSync(MIGRATIONS_DIRECTORY)) {
    if (/^\d+-.*\.sql$/.test(file) && Number.parseInt(file, 10) < 9) {
      copyFileSync(join(MIGRATIONS_DIRECTORY, file), join(before, file));
    }
  }
  const db = await createDatabase(url);
  try {
    await runMigrations(db, { directory: before, log: quietLog() });
    const debtor = rentReceivable('LEGACY-1').debtor as Record<string, unknown>;
    const insertReceivable = async (corporation: string, externalId: string) =>
      (await db.oneFirst(sql.unsafe`
        INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date,
          payment_reference, invoice_number, description, debtor, payload)
        VALUES (${corporation}, ${externalId}, 'rent', 62079, 62079, '2026-11-01', '152800000009001',
          '121249001', 'Huur november 2026', ${sql.jsonb(debtor as never)},
          ${sql.jsonb({ externalId, debtor } as never)})
        RETURNING id`)) as string;
    const noord = await insertReceivable(NOORD.id, 'LEGACY-1');
    const zuid = await insertReceivable(ZUID.id, 'LEGACY-2');
    for (const [token, corporation, receivable, purpose] of [
      [legacy.payment, NOORD.id, noord, 'payment'],
      [legacy.contact, NOORD.id, noord, 'contact'],
      [legacy.zuid, ZUID.id, zuid, 'payment'],
    ] as const) {
      await db.query(sql.unsafe`
        INSERT INTO links (token, corporation, receivable_id, purpose, expires_at)
        VALUES (${token}, ${corporation}, ${receivable}, ${purpose}, now() + interval '30 days')`);
    }
    await db.query(sql.unsafe`
      INSERT INTO psp_payments (corporation, receivable_id, link_token, provider, amount_minor, currency, status)
      VALUES (${NOORD.id}, ${noord}, ${legacy.payment}, 'mollie', 62079, 'EUR', 'canceled')`);
  } finally {
    await db.end();
    rmSync(before, { recursive: true, force: true });
  }
}

/**
 * The payment and form tokens in a mail (each once), after undoing quoted-printable. A token may end in
 * `-`, so its end is "no further token character", not a word boundary (`\b` missed one token in 64).
 */
function tokensIn(raw: string): string[] {
  const found = decodeQuotedPrintable(raw).matchAll(/\/(?:p|f)\/([A-Za-z0-9_-]{24})(?![A-Za-z0-9_-])/g);
  return [...new Set([...found].map((m) => m[1]!))];
}

beforeAll(async () => {
  // With click tracking on, every link in a mail's HTML also travels inside a tracking token.
  s = await startPagesStreet({
    beforeRuntime: legacyStreet,
    env: { OST_TRACKING_SECRET: 'test-tracking-secret-0123456789abcdef' },
  });
});
afterAll(async () => {
  await s?.stop();
});

describe('links made before tokens were hashed', () => {
  it('still open their page after the migration, and a payment started there is remembered by link id', async () => {
    const pay = await page(NOORD.host, `/p/${legacy.payment}`);
    expect(pay.status).toBe(200);
    expect(pay.body).toContain('€ 620,79');
    expect((await page(NOORD.host, `/p/${legacy.payment}/pay`, formPost({}))).status).toBe(303);
    const linkIds = await s.db.anyFirst(sql.unsafe`
      SELECT DISTINCT p.link_id FROM psp_payments p JOIN receivables r ON r.id = p.receivable_id
      WHERE r.external_id = 'LEGACY-1'`);
    const legacyLink = await s.db.one(sql.unsafe`
      SELECT l.id, l.derived FROM links l JOIN receivables r ON r.id = l.receivable_id
      WHERE r.external_id = 'LEGACY-1' AND l.purpose = 'payment'`);
    expect(legacyLink.derived).toBe(false);
    expect(linkIds).toEqual([legacyLink.id]);

    const contact = await page(NOORD.host, `/f/${legacy.contact}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toContain('Uw contactgegevens');
    expect(
      (await page(NOORD.host, `/f/${legacy.contact}`, formPost({ mobile: '06 1234 5678' }))).status,
    ).toBe(303);
    expect(await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM contact_updates`)).toBe(1);
  });

  it('the migration left no plaintext token in links or psp_payments', async () => {
    const columns = await s.db.anyFirst(sql.unsafe`
      SELECT table_name || '.' || column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name IN ('links', 'psp_payments') ORDER BY 1`);
    expect(columns).not.toContain('links.token');
    expect(columns).not.toContain('psp_payments.link_token');
    expect(columns).toContain('links.token_sha256');
  });
});

describe("a token of one corporation on another corporation's host", () => {
  it('gets the same plain 404 everywhere and changes nothing', async () => {
    await s.postReceivable(NOORD.apiKey, rentReceivable('LT-1001'));
    const noord = await s.paymentToken(NOORD.id, 'LT-1001');
    await s.postReceivable(ZUID.apiKey, rentReceivable('LT-2001'));
    const zuid = await s.paymentToken(ZUID.id, 'LT-2001');
    const before = await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM psp_payments`);
    for (const [host, path, init] of [
      [ZUID.host, `/p/${noord}`, {}],
      [ZUID.host, `/p/${noord}/pay`, formPost({})],
      [ZUID.host, `/q/${noord}.svg`, {}],
      [ZUID.host, `/f/${noord}`, {}],
      [NOORD.host, `/p/${zuid}`, {}],
      [NOORD.host, `/p/${zuid}/pay`, formPost({})],
      [NOORD.host, `/p/${legacy.zuid}`, {}],
      [ZUID.host, `/p/${legacy.payment}`, {}],
      [undefined, `/c/${ZUID.id}/p/${noord}`, {}],
      [undefined, `/c/${WEST.id}/p/${noord}`, {}],
      [undefined, `/p/${noord}`, {}],
    ] as const) {
      const r = await page(host, path, init);
      expect(r.status, `${host} ${path}`).toBe(404);
      expect(r.body).toContain('Pagina niet gevonden');
      expect(r.body).not.toMatch(/Noord|Zuid/);
    }
    expect(await s.db.oneFirst(sql.unsafe`SELECT count(*) FROM psp_payments`)).toBe(before);
    expect((await page(NOORD.host, `/p/${noord}`)).status).toBe(200);
    expect((await page(ZUID.host, `/p/${zuid}`)).status).toBe(200);
  });
});

describe('tokens are stored only as hashes', () => {
  it('no token that went out in a message, or was made for a form, appears in any column of the database', async () => {
    for (const id of ['LT-3001', 'LT-3002']) await s.postReceivable(NOORD.apiKey, rentReceivable(id));
    await s.postReceivable(WEST.apiKey, rentReceivable('LT-3003'));
    /** The mails the sink received for a receivable's messages (found by our message id header). */
    const mailsOf = async (externalId: string, atLeast: number) => {
      const ids = await eventually(
        async () => {
          const rows = await s.db.anyFirst(sql.unsafe`
            SELECT m.id FROM messages m JOIN receivables r ON r.id = m.receivable_id
            WHERE r.external_id = ${externalId} AND m.status = 'sent' ORDER BY m.created_at`);
          return rows.length >= atLeast ? (rows as string[]) : undefined;
        },
        10_000,
        `${atLeast} sent message(s) of ${externalId}`,
      );
      return eventually(async () => {
        const mails = ids.map((id) =>
          s.street.smtp.messages.find((m) => mailHeader(m.raw, 'X-Outputstraat-Message-Id') === id),
        );
        return mails.every(Boolean) ? mails.map((m) => m!.raw) : undefined;
      });
    };
    const sent: string[] = [];
    for (const id of ['LT-3001', 'LT-3002', 'LT-3003'])
      sent.push(...(await mailsOf(id, 1)).flatMap(tokensIn));
    expect(new Set(sent).size).toBe(3);

    // A later message of the same receivable carries the same link, recomputed from its id.
    const receivableId = await s.receivableId(NOORD.id, 'LT-3001');
    await s.db.query(sql.unsafe`
      UPDATE steps SET due_at = now() WHERE status = 'scheduled'
        AND case_id IN (SELECT id FROM cases WHERE receivable_id = ${receivableId})`);
    const reminders = await mailsOf('LT-3001', 2);
    const first = await s.paymentToken(NOORD.id, 'LT-3001');
    expect(reminders.map(tokensIn)).toEqual([[first], [first]]);

    // The archive serves the exact bytes that were sent, token included.
    const archived = await s.db.anyFirst(sql.unsafe`
      SELECT id FROM messages WHERE receivable_id = ${receivableId} AND channel_type = 'email'`);
    for (const id of archived) {
      const res = await fetch(`${s.url}/v1/messages/${id as string}/content`, {
        headers: { authorization: `Bearer ${NOORD.apiKey}` },
      });
      expect(res.status).toBe(200);
      const raw = await res.text();
      expect(tokensIn(raw)).toEqual([first]);
      expect(s.street.smtp.messages.some((m) => m.raw === raw)).toBe(true);
    }

    // A payment started and a contact form used: their rows name the link, not the token.
    expect((await page(NOORD.host, `/p/${first}/pay`, formPost({}))).status).toBe(303);
    const contact = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, receivableId, 'contact');
    expect((await page(NOORD.host, `/f/${contact}`, formPost({ email: 'k@example.org' }))).status).toBe(303);

    const tokens = [...new Set([...sent, contact, ...Object.values(legacy)])];
    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', databaseUrl], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    for (const token of tokens) expect(dump.includes(token), `pg_dump holds ${token}`).toBe(false);

    // pg_dump shows bytea as hex: read every column of every table, bytes as bytes, to be sure; and look
    // inside the click-tracking tokens of archived HTML, which carry the link they lead to.
    const tables = await s.db.anyFirst(sql.unsafe`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const found: string[] = [];
    const trackedColumns = new Set<string>();
    for (const table of tables as string[]) {
      const rows = await s.db.any(sql.unsafe`SELECT * FROM ${sql.identifier([table])}`);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : (JSON.stringify(value) ?? '');
          const clicks = [...text.replace(/=\r?\n/g, '').matchAll(/\/t\/c\/([A-Za-z0-9_-]+)/g)];
          const inside = clicks.map((m) => Buffer.from(m[1]!, 'base64url').toString('latin1')).join(' ');
          for (const token of tokens) {
            if (text.includes(token)) found.push(`${table}.${column}`);
            if (inside.includes(token)) found.push(`${table}.${column} (inside a click token)`);
          }
          if (clicks.length > 0) trackedColumns.add(`${table}.${column}`);
        }
      }
    }
    expect(found).toEqual([]);
    expect([...trackedColumns].sort()).toEqual(['message_parts.body']);
  });
});

describe('tokens in logs', () => {
  it('a runtime logging at trace level writes no token while serving, paying and submitting through links', async () => {
    const runtime = await startRuntimeProcess({
      name: 'tokens-in-logs',
      databaseUrl: databaseUrl,
      natsUrl: s.street.nats.url,
      smtp: { port: s.street.smtp.port },
      env: {
        LOG_LEVEL: 'trace',
        OST_MOLLIE_API_ENDPOINT: process.env.OST_MOLLIE_API_ENDPOINT ?? '',
        OST_MOLLIE_CHECKOUT_ORIGINS: process.env.OST_MOLLIE_CHECKOUT_ORIGINS ?? '',
        OST_SECRET_PAGES_NOORD__MOLLIE__apiKey: NOORD.mollieKey,
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      },
    });
    try {
      const port = Number(new URL(runtime.url).port);
      const at = (path: string, init: PageRequest = {}) => requestPage(port, NOORD.host, path, init);
      await s.postReceivable(NOORD.apiKey, rentReceivable('LT-4001'));
      const token = await s.paymentToken(NOORD.id, 'LT-4001');
      const receivableId = await s.receivableId(NOORD.id, 'LT-4001');
      const contact = await ensureFormLink(s.db, TEST_LINKS, NOORD.id, receivableId, 'contact');
      const forged = randomBytes(18).toString('base64url');
      expect((await at(`/p/${token}`)).status).toBe(200);
      expect((await at(`/p/${token}/pay`, formPost({}))).status).toBe(303);
      expect((await at(`/q/${token}.svg`)).status).toBe(200);
      expect((await at(`/f/${contact}`, formPost({ mobile: 'nope' }))).status).toBe(422);
      expect((await at(`/f/${contact}`, formPost({ mobile: '06 1234 5678' }))).status).toBe(303);
      expect((await at(`/f/${contact}`)).status).toBe(200);
      expect((await at(`/p/${forged}`)).status).toBe(404);
      expect((await at(`/p/${legacy.payment}`)).status).toBe(200);
      const log = runtime.log();
      expect(log).toContain('request completed');
      for (const secret of [token, contact, forged, legacy.payment]) {
        expect(log.includes(secret), 'a token in the log').toBe(false);
      }
    } finally {
      await runtime.stop();
    }
  });
});
