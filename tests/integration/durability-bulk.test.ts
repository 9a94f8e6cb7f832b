// A 100 000-line NDJSON request with some bad lines: the good lines are accepted (202) and stored, the
// bad ones are reported by line number, and nothing else is lost.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DurabilityStreet,
  fixtureReceivable,
  postNdjson,
  startDurabilityStreet,
  until,
} from '../support/durability-street.js';

const LINES = Number(process.env.OST_DURABILITY_BULK_LINES ?? 100_000);

describe('durability: bulk NDJSON', () => {
  let street: DurabilityStreet | undefined;
  afterAll(async () => {
    await street?.stop();
  });

  it(`${LINES} NDJSON lines with bad ones among them: good lines accepted and stored, bad ones reported by line`, async () => {
    street = await startDurabilityStreet();
    const runtime = await street.startRuntime('bulk');
    const bad = new Map<number, string>();
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) {
      const line = i + 1;
      if (line % 997 === 0) {
        bad.set(line, 'not valid JSON');
        lines.push('{"externalId": "broken",');
      } else if (line % 1_009 === 0) {
        bad.set(line, 'amount');
        lines.push(JSON.stringify({ ...fixtureReceivable(i, { source: 'test' }), amount: 'veel' }));
      } else {
        // source 'test': the flow's precondition skips the mail, so this measures intake, not SMTP.
        lines.push(JSON.stringify(fixtureReceivable(i, { source: 'test' })));
      }
    }
    const good = LINES - bad.size;
    const started = Date.now();
    const result = await postNdjson(runtime.url, `${lines.join('\n')}\n`);
    const acceptedMs = Date.now() - started;
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ accepted: good, rejected: bad.size, duplicates: 0 });
    const errors = result.body.errors as { line: number; message: string }[];
    expect(errors.map((e) => e.line)).toEqual([...bad.keys()].sort((x, y) => x - y));
    for (const e of errors) expect(e.message).toContain(bad.get(e.line));

    await until(
      async () => (await street!.sql.query('SELECT count(*)::int AS n FROM cases')).rows[0].n === good,
      300_000,
      'every good line stored as a receivable with a case',
    );
    const storedMs = Date.now() - started;
    const counts = await street.sql.query(
      `SELECT (SELECT count(*)::int FROM receivables) AS receivables,
              (SELECT count(DISTINCT external_id)::int FROM receivables) AS distinct_ids`,
    );
    console.info(`${LINES}-line NDJSON`, JSON.stringify({ acceptedMs, storedMs, good, bad: bad.size }));
    expect(counts.rows[0]).toEqual({ receivables: good, distinct_ids: good });
  }, 600_000);

  it('the same NDJSON posted again is recognised as duplicates; a differently split repeat changes nothing', async () => {
    street ??= await startDurabilityStreet();
    const runtime = await street.startRuntime('bulk-repeat');
    const body = (from: number, to: number) =>
      `${Array.from({ length: to - from }, (_, i) => JSON.stringify(fixtureReceivable(900_000 + from + i, { source: 'test' }))).join('\n')}\n`;
    const count = async () =>
      (
        await street!.sql.query(
          `SELECT count(*)::int AS n FROM receivables WHERE external_id >= 'DUR-0900000' AND external_id < 'DUR-0902000'`,
        )
      ).rows[0].n as number;
    // 1 200 lines: three messages of up to 500 on JetStream.
    expect((await postNdjson(runtime.url, body(0, 1_200))).body).toMatchObject({
      accepted: 1_200,
      duplicates: 0,
    });
    // The ERP retries the same request after a timeout: JetStream drops the same chunks.
    expect((await postNdjson(runtime.url, body(0, 1_200))).body).toMatchObject({
      accepted: 0,
      duplicates: 1_200,
    });
    // A repost split differently is new to JetStream; intake finds every receivable already there.
    expect((await postNdjson(runtime.url, body(100, 1_300))).body).toMatchObject({
      accepted: 1_200,
      rejected: 0,
    });
    await until(async () => (await count()) === 1_300, 60_000, 'the 1 300 distinct receivables stored');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await count()).toBe(1_300);
    const cases = await street.sql.query(
      `SELECT count(*)::int AS n FROM cases c JOIN receivables r ON r.id = c.receivable_id
       WHERE r.external_id >= 'DUR-0900000' AND r.external_id < 'DUR-0902000'`,
    );
    expect(cases.rows[0].n).toBe(1_300);
  }, 120_000);

  it('lines with many multi-byte characters are split by bytes, so no JetStream message is too big', async () => {
    street ??= await startDurabilityStreet();
    const runtime = await street.startRuntime('bulk-wide');
    // About 2.7 KB of UTF-8 in about 1 050 characters per line: what fits in 512 K characters is well
    // over 1 MiB, nats-server's largest message.
    const wide = '€'.repeat(200);
    const lines = Array.from({ length: 500 }, (_, i) => {
      const r = fixtureReceivable(950_000 + i, { source: 'test', description: wide });
      const address = { street: wide, houseNumber: '1', postalCode: '1234 AB', city: 'Utrecht' };
      return JSON.stringify({ ...r, debtor: { ...r.debtor, name: wide, salutation: wide, address } });
    });
    const result = await postNdjson(runtime.url, `${lines.join('\n')}\n`);
    expect(result.body).toMatchObject({ accepted: 500, rejected: 0 });
    await until(
      async () =>
        (
          await street!.sql.query(
            `SELECT count(*)::int AS n FROM receivables WHERE external_id >= 'DUR-0950000' AND external_id < 'DUR-0951000'`,
          )
        ).rows[0].n === 500,
      60_000,
      'the 500 wide receivables stored',
    );
  }, 120_000);
});
