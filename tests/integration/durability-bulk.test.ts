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
});
