// How fast the console's search answers over 100,000 debtors: a fresh database on the test server
// (TEST_DATABASE_URL, default 127.0.0.1:5432), migrated, 100,000 debtors of one corporation (and 10,000
// of another, so the corporation filter has work) with a receivable each, then searchDebtors (the
// console's own function) for each kind of query, `--rounds` times (default 50), printing the median
// and p95 per kind and overall, and how many sequential scans of debtors and receivables the searches
// made (pg_stat_user_tables; 0 means every search was answered from indexes).
//
//   npx tsx bench/console-search.ts [--debtors 100000] [--rounds 50]
import { parseArgs } from 'node:util';
import { createDatabase, runMigrations, sql } from '../platform/db/index.js';
import { searchDebtors } from '../runtime/console/index.js';
import { createTestDatabase } from '../tests/support/postgres.js';
import { wholeNumber } from './options.js';
import { quantile } from './rate.js';

const { values } = parseArgs({
  options: { debtors: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '50' } },
});
const DEBTORS = wholeNumber('debtors', values.debtors, 1);
const ROUNDS = wholeNumber('rounds', values.rounds, 1);
const CORP = 'bench-noord';

const SURNAMES = [
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'el Amrani',
  'Yilmaz',
  'Mulder',
  'Bos',
];
const STREETS = ['Oosterstraat', 'Vismarkt', 'Herestraat', 'Zuiderdiep', 'Grote Markt', 'Kerklaan'];

const testDb = await createTestDatabase();
const db = await createDatabase(testDb.url);
try {
  await runMigrations(db);
  const seedStart = performance.now();
  // Seeded in SQL (generate_series): names, addresses, phones and emails that vary like real ones.
  for (const [corporation, count] of [
    [CORP, DEBTORS],
    ['bench-zuid', Math.ceil(DEBTORS / 10)],
  ] as const) {
    await db.query(sql.unsafe`
      INSERT INTO debtors (id, corporation, debtor_id, contact, data_at)
      SELECT gen_random_uuid(), ${corporation}, 'D-' || i,
        jsonb_build_object(
          'name', chr(65 + i % 26) || '. ' || (${sql.array(SURNAMES, 'text')})[1 + i % ${SURNAMES.length}] || ' ' || i,
          'email', 'huurder' || i || '@example.org',
          'phone', '+316' || lpad((10000000 + i)::text, 8, '0'),
          'address', jsonb_build_object('street', (${sql.array(STREETS, 'text')})[1 + i % ${STREETS.length}],
            'houseNumber', (1 + i % 199)::text, 'postalCode', (1000 + i / 200 % 9000)::text || ' ' ||
            chr(65 + i % 26) || chr(65 + (i / 26) % 26), 'city', 'Groningen'))
      , now() FROM generate_series(1, ${count}) AS i`);
    await db.query(sql.unsafe`
      INSERT INTO receivables (corporation, external_id, kind, amount_minor, balance_minor, due_date,
        payment_reference, debtor, payload, debtor_ref)
      SELECT corporation, 'R-' || debtor_id, 'rent', 60000, 60000, '2026-11-01', '1528' || lpad(substr(debtor_id, 3), 11, '0'),
        contact || jsonb_build_object('id', debtor_id), '{}', id
      FROM debtors WHERE corporation = ${corporation}`);
  }
  await db.query(sql.unsafe`ANALYZE debtors`);
  await db.query(sql.unsafe`ANALYZE receivables`);
  console.log(
    `seeded ${DEBTORS} + ${Math.ceil(DEBTORS / 10)} debtors in ${Math.round(performance.now() - seedStart)} ms`,
  );

  const pick = (round: number) => 1 + ((round * 7919) % DEBTORS);
  const kinds: Record<string, (i: number) => string> = {
    name: (i) => `${SURNAMES[i % SURNAMES.length]} ${i}`,
    'name part': (i) => `${String(i).slice(0, 4)}`.padStart(4, '9'),
    'postcode + number': (i) =>
      `${1000 + (Math.floor(i / 200) % 9000)} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))} ${1 + (i % 199)}`,
    phone: (i) => `06${String(10000000 + i).padStart(8, '0')}`,
    email: (i) => `huurder${i}@example.org`,
    'debtor id': (i) => `D-${i}`,
    externalId: (i) => `R-D-${i}`,
    'payment reference': (i) => `1528${String(i).padStart(11, '0')}`,
  };
  const seqScans = async () =>
    Number(
      await db.oneFirst(sql.unsafe`
        SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relname IN ('debtors', 'receivables')`),
    );
  // The statistics collector reports at the end of each transaction; a pause lets the counts settle.
  const settle = () => new Promise((r) => setTimeout(r, 1_000));
  await settle();
  const scansBefore = await seqScans();
  const all: number[] = [];
  console.log('kind                 median ms   p95 ms   hits seq scans');
  for (const [kind, query] of Object.entries(kinds)) {
    const times: number[] = [];
    let firstHits = 0;
    await settle();
    const kindScansBefore = await seqScans();
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const hits = await searchDebtors(db, CORP, query(pick(round)));
      times.push(performance.now() - started);
      if (round === 0) firstHits = hits.length;
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    await settle();
    const kindScans = (await seqScans()) - kindScansBefore;
    console.log(
      `${kind.padEnd(20)} ${quantile(times, 0.5).toFixed(2).padStart(9)} ${quantile(times, 0.95).toFixed(2).padStart(8)}   ${String(firstHits).padEnd(4)} ${kindScans}`,
    );
  }
  all.sort((a, b) => a - b);
  console.log(
    `all kinds            ${quantile(all, 0.5).toFixed(2).padStart(9)} ${quantile(all, 0.95).toFixed(2).padStart(8)}   (${all.length} searches)`,
  );
  await settle();
  console.log(
    `sequential scans of debtors/receivables during the searches: ${(await seqScans()) - scansBefore}`,
  );
} finally {
  await db.end();
  await testDb.drop();
}
