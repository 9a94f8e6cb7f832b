// Proof of registered letters: the print provider's return file comes back over the real SFTP test server,
// is validated line by line (hostile lines reported by number, never a crash), recorded on the letter
// (status history with the tracking number, feed event, timeline) and moved to processed/ with a report.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { createLogger } from '../../platform/log.js';
import { environmentSecrets } from '../../platform/secrets.js';
import { PrintReturnWorker } from '../../runtime/channels/print-returns.js';
import { eventually } from '../support/street.js';
import {
  type ChannelStreet,
  historyOf,
  messageEventually,
  receivable,
  startChannelStreet,
} from './channels-fixture.js';

describe('registered letters: the return file of the print provider', () => {
  let cs: ChannelStreet;
  let worker: PrintReturnWorker;
  const letters: { externalId: string; id: string }[] = [];
  beforeAll(async () => {
    cs = await startChannelStreet();
  });
  afterAll(async () => {
    await cs?.stop();
  });

  it('a return file records delivered and returned letters with their tracking numbers and refuses every bad line by number', async () => {
    for (const id of ['D-2001', 'D-2002']) {
      const r = receivable(
        { kind: 'test-letter' },
        {
          id,
          address: { street: 'Vismarkt', houseNumber: '12a', postalCode: '9712 CA', city: 'Groningen' },
        },
      );
      expect((await cs.street.post('/v1/receivables', r)).status).toBe(202);
      const m = await messageEventually(
        cs,
        r.externalId,
        (x) => x.channel_type === 'letter' && x.status === 'sent',
        'letter',
      );
      letters.push({ externalId: r.externalId, id: m.id });
    }
    // The batch (maxLetters 2) is uploaded; its manifest asks for registered delivery of both.
    await eventually(
      async () =>
        (await historyOf(cs, letters[1]!.id)).some((h) => h.status === 'handed-to-print') || undefined,
      10_000,
      'the batch handed to print',
    );
    const manifestFile = cs.sftp.files('inbox').find((f) => f.endsWith('-manifest.json'))!;
    const manifest = JSON.parse(cs.sftp.read(`inbox/${manifestFile}`).toString('utf8')) as {
      letters: { letterId: string; registered: boolean }[];
    };
    expect(manifest.letters.filter((l) => l.registered).map((l) => l.letterId)).toEqual(
      letters.map((l) => l.id),
    );

    // Another corporation's registered letter, in the same database: its id in this file must not count.
    const other = randomUUID();
    await cs.db.transaction(async (tx) => {
      const batch = await tx.oneFirst(sql.unsafe`
        INSERT INTO print_batches (corporation, channel, close_at, file_prefix, status)
        VALUES ('rivierstad', 'letter', now(), 'rivierstad-x', 'uploaded') RETURNING id`);
      await tx.query(sql.unsafe`
        INSERT INTO messages (id, corporation, channel, channel_type, status)
        VALUES (${other}, 'rivierstad', 'letter', 'letter', 'sent')`);
      await tx.query(sql.unsafe`
        INSERT INTO print_letters (message_id, batch_id, corporation, seq, file_name, pages, registered)
        VALUES (${other}, ${batch as string}, 'rivierstad', 1, 'x.pdf', 1, true)`);
    });

    const first = letters[0]!;
    const second = letters[1]!;
    const csv = [
      'messageId,trackingNumber,status,date,reason',
      `${first.id},3SOST0000000001,delivered,2026-12-03,`, // 2: good
      `${second.id},3SOST0000000002,returned,2026-12-04,moved`, // 3: good
      `not-a-uuid,3SOST0000000003,delivered,2026-12-03,`, // 4
      `${first.id},3SOST'; DROP TABLE messages;--,delivered,2026-12-03,`, // 5
      `${first.id},3SOST0000000001,delivered,2026-02-30,`, // 6: no such day
      `${first.id},3SOST0000000001,lost,2026-12-03,`, // 7
      `${other},3SOST0000000009,delivered,2026-12-03,`, // 8: another corporation's letter
      `${randomUUID()},3SOST0000000010,delivered,2026-12-03,`, // 9: no such letter
      `${first.id},3SOST0000000001,delivered\u0000,2026-12-03,`, // 10: a NUL byte
      `${first.id},${'9'.repeat(600)},delivered,2026-12-03,`, // 11: oversized
      `${first.id},3SOST0000000001,delivered,2026-12-03`, // 12: a field short
      `${first.id},3SOST0000000001,delivered,2026-12-03,moved`, // 13: a reason for a delivery
      '', // an empty line is no line
    ].join('\r\n');
    cs.sftp.write('returns/post-20261204.csv', csv);
    cs.sftp.write('returns/garbage.json', Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    cs.sftp.write('returns/not-a-return.txt', 'left alone');

    worker = new PrintReturnWorker(
      {
        db: cs.db,
        bundles: cs.bundles,
        secrets: environmentSecrets(process.env),
        log: createLogger('registered-letters', 'silent'),
      },
      60_000,
    );
    const results = await worker.runOnce();
    expect(results).toEqual([
      { file: 'garbage.json', recorded: 0, refused: 0, refusedFile: 'not UTF-8 text' },
      { file: 'post-20261204.csv', recorded: 2, refused: 10 },
    ]);
    const report = cs.sftp.read('returns/processed/post-20261204.csv.report.txt').toString('utf8');
    expect(
      report
        .split('\n')
        .filter((l) => l.startsWith('line '))
        .map((l) => Number(l.split(/[ :]/)[1])),
    ).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(report).toContain('line 8: messageId names no registered letter of this channel');
    expect(report).not.toContain('DROP TABLE');
    expect(cs.sftp.files('returns')).toEqual(['not-a-return.txt', 'processed']);
    expect(cs.sftp.files('returns/processed')).toEqual([
      'garbage.json',
      'garbage.json.report.txt',
      'post-20261204.csv',
      'post-20261204.csv.report.txt',
    ]);

    const delivered = (await historyOf(cs, first.id)).filter((h) => h.status.startsWith('registered.'));
    expect(delivered).toEqual([
      {
        status: 'registered.delivered',
        source: 'print-return',
        detail: { trackingNumber: '3SOST0000000001', date: '2026-12-03', file: 'post-20261204.csv', line: 2 },
      },
    ]);
    const returned = (await historyOf(cs, second.id)).filter((h) => h.status.startsWith('registered.'));
    expect(returned.map((h) => [h.status, h.detail?.trackingNumber, h.detail?.reason])).toEqual([
      ['registered.returned', '3SOST0000000002', 'moved'],
    ]);
    expect(await historyOf(cs, other)).toEqual(
      (await historyOf(cs, other)).filter((h) => !h.status.startsWith('registered.')),
    );

    // The feed and the timeline say the same, with the tracking number.
    const events = await cs.db.any(sql.unsafe`
      SELECT type, data FROM events WHERE type LIKE 'message.registered.%' ORDER BY seq`);
    expect(events.map((e) => [e.type, (e.data as { trackingNumber: string }).trackingNumber])).toEqual([
      ['message.registered.delivered', '3SOST0000000001'],
      ['message.registered.returned', '3SOST0000000002'],
    ]);
    const timeline = (await (await cs.street.get(`/v1/receivables/${letters[0]!.externalId}`)).json()) as {
      cases: { timeline: { text: string }[] }[];
    };
    expect(timeline.cases[0]!.timeline.map((t) => t.text)).toContain(
      'Registered letter storno-letter delivered on 2026-12-03, tracking number 3SOST0000000001, as reported by the print provider.',
    );

    // The same file put back (the provider sends it twice) records nothing new.
    cs.sftp.write('returns/post-20261204-again.csv', csv);
    expect(await worker.runOnce()).toEqual([{ file: 'post-20261204-again.csv', recorded: 2, refused: 10 }]);
    expect((await historyOf(cs, first.id)).filter((h) => h.status.startsWith('registered.'))).toHaveLength(1);
  });
});
