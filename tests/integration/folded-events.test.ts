// Migration 040: a receivable's events of one statement share a row of event_rows (runtime/dossiers/event-rows.ts).
// This checks, on real PostgreSQL, that every event still has a number of its own and reads the same through
// the `events` view and the feed — page by page from a cursor inside a folded row, with and without a type
// filter — that an event holding personal data keeps a row of its own, and that a pod of the previous release
// (COPY and INSERT … RETURNING into `events`) still writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBatch, type Database, sendCopy, sql } from '../../platform/db/index.js';
import { EVENT_COLUMNS } from '../../runtime/dossiers/case-repository.js';
import {
  type EventInput,
  FEED_START,
  type FeedEvent,
  insertEvents,
  parseCursor,
  readEvents,
} from '../../runtime/dossiers/index.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';

let testDb: TestDatabase & { db: Database };
const CORP = 'woonstad';

beforeAll(async () => {
  testDb = await createMigratedDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

const R1 = '00000000-0000-4000-8000-000000000001';
const R2 = '00000000-0000-4000-8000-000000000002';
const C1 = '00000000-0000-4000-8000-00000000000c';

const ev = (receivableId: string | undefined, type: string, extra: Partial<EventInput> = {}): EventInput => ({
  corporation: CORP,
  ...(receivableId ? { receivableId, externalId: `ext-${receivableId.slice(-1)}` } : {}),
  type,
  data: { flow: 'huur' },
  ...extra,
});

/** What one statement of intake and a payment write: six events of R1 (two rows), a personal one, R2's two. */
const WRITTEN: EventInput[] = [
  ev(R1, 'receivable.accepted'),
  ev(R1, 'case.started', { caseId: C1 }),
  ev(R1, 'step.skipped', { caseId: C1 }),
  ev(R1, 'case.completed', { caseId: C1 }),
  ev(R1, 'link.closed', { caseId: C1 }),
  ev(R1, 'contact.updated', { data: { email: 'huurder@example.org' } }),
  ev(R2, 'receivable.accepted'),
  ev(R2, 'case.started'),
  ev(undefined, 'debtor.updated'),
];

async function readAll(limit: number, types?: string[]): Promise<FeedEvent[]> {
  const seen: FeedEvent[] = [];
  let cursor = FEED_START;
  for (let page = 0; page < 100; page++) {
    const events = await readEvents(testDb.db, CORP, cursor, limit, types);
    if (events.length === 0) return seen;
    expect(events.length).toBeLessThanOrEqual(limit);
    seen.push(...events);
    cursor = parseCursor(events.at(-1)!.cursor);
  }
  throw new Error('the feed did not end');
}

describe('events folded into rows', () => {
  beforeAll(async () => {
    await testDb.db.transaction((tx) => insertEvents(tx, WRITTEN));
  });

  it("stores a receivable's plain events together, four to a row, and a personal one apart", async () => {
    const rows = await testDb.db.any(sql.unsafe`
      SELECT type, personal, jsonb_array_length(coalesce(more, '[]')) AS folded FROM event_rows ORDER BY seq`);
    expect(rows.map((r) => [r.type, r.personal, r.folded])).toEqual([
      ['receivable.accepted', false, 3],
      ['link.closed', false, 0],
      ['contact.updated', true, 0],
      ['receivable.accepted', false, 1],
      ['debtor.updated', false, 0],
    ]);
  });

  it('shows one row an event through the view, each with its own number, in the order written', async () => {
    const view = await testDb.db.any(sql.unsafe`
      SELECT seq, type, case_id, receivable_id, external_id, data, personal FROM events ORDER BY seq`);
    expect(view.map((e) => e.type)).toEqual(WRITTEN.map((e) => e.type));
    expect(new Set(view.map((e) => Number(e.seq))).size).toBe(WRITTEN.length);
    expect(view[1]).toMatchObject({
      case_id: C1,
      receivable_id: R1,
      external_id: 'ext-1',
      data: { flow: 'huur' },
    });
    expect(view[0]).toMatchObject({ case_id: null });
    expect(view.filter((e) => e.personal).map((e) => e.type)).toEqual(['contact.updated']);
    // The timeline's question, a receivable's events, reaches the folded ones.
    expect(
      await testDb.db.anyFirst(sql.unsafe`SELECT type FROM events WHERE receivable_id = ${R2} ORDER BY seq`),
    ).toEqual(['receivable.accepted', 'case.started']);
  });

  it('feeds every event once, in order, with the same numbers, whatever the page size', async () => {
    const view = (await testDb.db.anyFirst(sql.unsafe`SELECT seq FROM events ORDER BY seq`)).map(Number);
    for (const limit of [1, 2, 3, 5, 100]) {
      const fed = await readAll(limit);
      expect(
        fed.map((e) => e.seq),
        `pages of ${limit}`,
      ).toEqual(view);
      expect(fed.map((e) => e.type)).toEqual(WRITTEN.map((e) => e.type));
    }
    const fed = await readAll(100);
    expect(fed[2]).toMatchObject({ type: 'step.skipped', caseId: C1, externalId: 'ext-1' });
  });

  it('filters by type inside folded rows, page by page', async () => {
    for (const limit of [1, 2, 100]) {
      expect((await readAll(limit, ['case.started'])).map((e) => e.seq)).toEqual(
        (
          await testDb.db.anyFirst(
            sql.unsafe`SELECT seq FROM events WHERE type = 'case.started' ORDER BY seq`,
          )
        ).map(Number),
      );
      expect((await readAll(limit, ['step.skipped', 'debtor.updated'])).map((e) => e.type)).toEqual([
        'step.skipped',
        'debtor.updated',
      ]);
    }
  });

  it('resumes from a cursor inside a folded row, written with leading zeros too', async () => {
    const fed = await readAll(100);
    const third = fed[2]!;
    const [xact, seq] = third.cursor.split('-');
    for (const cursor of [third.cursor, `000${xact}-${seq}`]) {
      const rest = await readEvents(testDb.db, CORP, parseCursor(cursor), 2);
      expect(rest.map((e) => e.type)).toEqual(['case.completed', 'link.closed']);
    }
  });

  it("still takes a previous release's rows: its COPY and its INSERT … RETURNING into events", async () => {
    const before = Number(await testDb.db.oneFirst(sql.unsafe`SELECT count(*) FROM events`));
    // The previous release wrote today's columns but `more`, into the table's old name.
    const columns = EVENT_COLUMNS.filter(([name]) => name !== 'more');
    const old = (type: string) => ({
      corporation: CORP,
      receivable_id: R2,
      case_id: null,
      external_id: 'ext-2',
      type,
      data: {},
      at: new Date().toISOString(),
      personal: false,
    });
    await testDb.db.transaction((tx) =>
      sendCopy(tx, copyBatch('events', columns, [old('message.sent'), old('message.delivered')])),
    );
    const seq = await testDb.db.oneFirst(sql.unsafe`
      INSERT INTO events (corporation, type, data) VALUES (${CORP}, 'receivable.rejected', '{}') RETURNING seq`);
    expect(Number(seq)).toBeGreaterThan(0);
    const fed = await readAll(100);
    expect(fed).toHaveLength(before + 3);
    expect(fed.slice(-3).map((e) => e.type)).toEqual([
      'message.sent',
      'message.delivered',
      'receivable.rejected',
    ]);
    expect(fed.at(-1)!.seq).toBe(Number(seq));
  });
});
