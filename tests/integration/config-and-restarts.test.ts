import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, sql } from '../../platform/db/index.js';
import { mailHeader } from '../../scripts/street/mail-headers.js';
import { eventually, startStreet, type TestStreet } from '../support/street.js';

const example = (externalId: string) => ({
  ...JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8')),
  externalId,
});

describe('configuration reload and runtime restarts', () => {
  let street: TestStreet | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await street?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    street = undefined;
    dir = undefined;
  });

  it('a template change reaches the next mail without a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ost-street-'));
    cpSync('flows', join(dir, 'flows'), { recursive: true });
    cpSync('examples', join(dir, 'examples'), { recursive: true });
    street = await startStreet([join(dir, 'flows'), join(dir, 'examples')]);
    const runtime = await street.startRuntime();
    const firstRevision = runtime.bundles.get('woonstad-noord')!.revision;

    expect((await street.post('/v1/receivables', example('RELOAD-1'))).status).toBe(202);
    const [first] = await street.smtp.waitForMessages(1);
    expect(mailHeader(first!.raw, 'Subject')).toContain('Uw automatische betaling is niet gelukt');

    const file = join(dir, 'flows/storno/storno-email.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('Uw automatische betaling is niet gelukt', 'Incasso mislukt'),
    );
    const report = await street.source.reconcile();
    expect(report.published).toContain('woonstad-noord');
    await eventually(
      async () => runtime.bundles.get('woonstad-noord')!.revision !== firstRevision,
      2_000,
      'new bundle',
    );

    expect((await street.post('/v1/receivables', example('RELOAD-2'))).status).toBe(202);
    const mails = await street.smtp.waitForMessages(2);
    expect(mailHeader(mails[1]!.raw, 'Subject')).toBe('Incasso mislukt: € 620,79');
  });

  it('a runtime stopped between accepting and sending loses nothing and sends once after restart', async () => {
    street = await startStreet();
    // The first runtime accepts and stores, but its scheduler is stopped, so nothing is sent.
    const accepting = await street.startRuntime({ schedulerIntervalMs: 60_000 });
    await accepting.scheduler.stop();
    const ids = ['RESTART-1', 'RESTART-2', 'RESTART-3'];
    for (const id of ids) expect((await street.post('/v1/receivables', example(id))).status).toBe(202);
    const db = await createDatabase(street.db.url);
    // Stopped only once all three are stored: a message JetStream hands to a pull at the moment the
    // runtime unsubscribes comes back after the intake ack wait (60 s), not within this test's 10 s.
    await eventually(
      async () =>
        (await db.oneFirst(sql.unsafe`
          SELECT count(*)::int FROM receivables WHERE external_id LIKE 'RESTART-%'`)) === ids.length,
      10_000,
      'three stored receivables',
    );
    await accepting.close();
    street.runtimes.length = 0;
    expect(street.smtp.messages.length).toBe(0);

    await street.startRuntime();
    const mails = await street.smtp.waitForMessages(3, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(street.smtp.messages.length).toBe(3);
    expect(mails.map((m) => /X-Outputstraat-Message-Id: (\S+)/i.exec(m.raw)?.[1]).every(Boolean)).toBe(true);
    try {
      const counts = await db.any(sql.unsafe`
        SELECT r.external_id, count(m.id)::int AS sent FROM receivables r
        LEFT JOIN messages m ON m.receivable_id = r.id AND m.status = 'sent'
        GROUP BY r.external_id ORDER BY r.external_id`);
      expect(counts).toEqual(ids.map((external_id) => ({ external_id, sent: 1 })));
    } finally {
      await db.end();
    }
  });
});
