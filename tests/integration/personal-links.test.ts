import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, sql } from '../../platform/db/index.js';
import { tokenHash } from '../../runtime/dossiers/index.js';
import { decodeQuotedPrintable } from '../support/mail.js';
import { startStreet, type TestStreet } from '../support/street.js';

// The contact-data campaign sends a personal form link; its dispatch window is taken out in this copy so
// the test does not depend on the day it runs.
describe('personal links in campaign messages', () => {
  let street: TestStreet;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ost-links-'));
    cpSync('flows', join(dir, 'flows'), { recursive: true });
    cpSync('examples', join(dir, 'examples'), { recursive: true });
    const flow = join(dir, 'flows/enrichment/contact-data.yaml');
    writeFileSync(flow, readFileSync(flow, 'utf8').replace(/ {4}window:\n(?: {6}.*\n)+/, ''));
    street = await startStreet([join(dir, 'flows'), join(dir, 'examples')]);
    await street.startRuntime();
  });
  afterAll(async () => {
    await street?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a contact-data request carries a contact form link for that receivable, and no payment link', async () => {
    const receivable = {
      ...JSON.parse(readFileSync('flows/enrichment/test-receivables/contact-data.json', 'utf8')),
      externalId: 'LINKS-CONTACT-1',
    };
    receivable.debtor.preferredChannel = 'email';
    expect((await street.post('/v1/receivables', receivable)).status).toBe(202);
    const [mail] = await street.smtp.waitForMessages(1, 10_000);
    const body = decodeQuotedPrintable(mail!.raw);
    const token = /https:\/\/betalen\.woonstad-noord\.example\/f\/([A-Za-z0-9_-]{24})/.exec(body)?.[1];
    expect(token).toBeDefined();
    expect(body).not.toMatch(/\/p\/[A-Za-z0-9_-]{24}/);
    const db = await createDatabase(street.db.url);
    try {
      const link = await db.one(sql.unsafe`
        SELECT l.purpose, l.corporation, r.external_id FROM links l JOIN receivables r ON r.id = l.receivable_id
        WHERE l.token_sha256 = ${sql.binary(tokenHash(token!))}`);
      expect(link).toEqual({
        purpose: 'contact',
        corporation: 'woonstad-noord',
        external_id: 'LINKS-CONTACT-1',
      });
    } finally {
      await db.end();
    }
  });
});
