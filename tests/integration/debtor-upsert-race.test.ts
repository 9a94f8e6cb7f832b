// Two intake batches that bring the same new debtor at the same moment: the second waits on the first's
// insert (ON CONFLICT), finds the row it committed and must still return its id, so the second
// receivable gets its debtor_ref (the console and the contact budget find receivables by it). Real
// PostgreSQL, two real transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, runMigrations, sql } from '../../platform/db/index.js';
import { upsertDebtors } from '../../runtime/dossiers/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await createDatabase(testDb.url);
  await runMigrations(db);
});
afterAll(async () => {
  await db?.end();
  await testDb?.drop();
});

/** A promise one transaction gives and the other awaits, to order two real transactions. */
function signal() {
  let give!: () => void;
  const given = new Promise<void>((resolve) => {
    give = resolve;
  });
  return { given, give };
}

describe('upsertDebtors under a concurrent insert of the same debtor', () => {
  it('returns the id the other transaction committed', async () => {
    const data = (name: string) => ({
      corporation: 'race-noord',
      debtor: { id: 'D-RACE-1', name, email: 'race@example.org' },
      at: new Date('2026-12-01T10:00:00Z'),
    });
    const firstMayCommit = signal();
    const firstHasInserted = signal();
    const first = db.transaction(async (tx) => {
      const refs = await upsertDebtors(tx, [data('A. Race')]);
      firstHasInserted.give();
      await firstMayCommit.given;
      return refs;
    });
    await firstHasInserted.given;
    // Same data: ON CONFLICT waits for the first, then leaves the row (nothing newer) and returns nothing.
    const second = db.transaction((tx) => upsertDebtors(tx, [data('A. Race')]));
    await new Promise((r) => setTimeout(r, 300));
    firstMayCommit.give();
    const [a, b] = await Promise.all([first, second]);
    const id = [...a.values()][0];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect([...b.values()]).toEqual([id]);
  });
});

describe('upsertDebtors on stored debtors', () => {
  const data = (name: string, version: number) => ({
    corporation: 'versie-west',
    debtor: { id: 'D-V-1', name, email: 'v@example.org' },
    version,
    at: new Date('2026-12-01T10:00:00Z'),
  });
  const nameOf = async () =>
    db.oneFirst(sql.unsafe`
      SELECT contact->>'name' FROM debtors WHERE corporation = 'versie-west' AND debtor_id = 'D-V-1'`);

  it('changes the contact only with newer data, returns the same id every time', async () => {
    const first = await db.transaction((tx) => upsertDebtors(tx, [data('Versie Twee', 2)]));
    const older = await db.transaction((tx) => upsertDebtors(tx, [data('Versie Een', 1)]));
    expect(await nameOf()).toBe('Versie Twee');
    const newer = await db.transaction((tx) => upsertDebtors(tx, [data('Versie Drie', 3)]));
    expect(await nameOf()).toBe('Versie Drie');
    expect([...older.values()]).toEqual([...first.values()]);
    expect([...newer.values()]).toEqual([...first.values()]);
  });

  it('holds a stored debtor’s row locked until the transaction ends, even when nothing changed', async () => {
    const mayEnd = signal();
    const hasUpserted = signal();
    const holder = db.transaction(async (tx) => {
      await upsertDebtors(tx, [data('Versie Een', 1)]);
      hasUpserted.give();
      await mayEnd.given;
    });
    await hasUpserted.given;
    try {
      await expect(
        db.transaction((tx) =>
          tx.query(sql.unsafe`
            SELECT id FROM debtors WHERE corporation = 'versie-west' AND debtor_id = 'D-V-1' FOR UPDATE NOWAIT`),
        ),
      ).rejects.toThrow();
    } finally {
      mayEnd.give();
      await holder;
    }
  });
});
