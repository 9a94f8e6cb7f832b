// Experiments on a real street (Postgres, NATS JetStream, the runtime's intake and ERP API): 26,000
// dossiers posted as NDJSON, each assigned by the hash of corporation, experiment and debtor id; a test
// driver with a fixed seed pays through the ERP API, where variant B truly pays 8 points more than A in
// one experiment and no arm differs in the other. The report calls B better with an interval that
// excludes 0, and the other inconclusive. The runtime's clock is moved so the 14-day windows pass.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  armAt,
  assignmentPoint,
  type ExperimentReport,
  fixedAllocation,
  HOLDOUT,
  seededRandom,
} from '../../core/experiments/index.js';
import { cli } from '../../operator/cli/test-kit.js';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import { findAllocation, refreshAllocations } from '../../runtime/dossiers/index.js';
import { DEMO_KEY, eventually, startStreet, type TestStreet } from '../support/street.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-03T09:00:00Z').getTime();
const UPLIFT = 20_000;
const SAME = 6_000;
const RIVIERSTEDE_KEY = 'demo-rivierstede-key';

const flows = (name: string, kind: string, mode: 'fixed' | 'bandit') => `apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: ${name}, namespace: woonstad-noord }
spec:
  trigger: { kinds: [${kind}], classifications: [${kind}] }
  steps:
    - id: wait-a-month
      wait: { for: 30d }
    - id: done
      stop: { reason: test flow ends }
  reactions:
    - { event: paid, then: stop }
  experiment:
    name: ${name}
    variants:
      - { name: a }
      - { name: b, flow: ${name}-b }
    holdout: '10%'
    outcome: { paidWithinDays: 14 }
    minimumSample: 500
    mode: ${mode}
    guardrails: { complaintRate: '1%' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: ${name}-b, namespace: woonstad-noord }
spec:
  extends: { name: ${name}, namespace: woonstad-noord }
  patches:
    - op: replace
      step: wait-a-month
      with: [{ id: wait-25-days, wait: { for: 25d } }]
`;

const rules = `apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: experiments, namespace: woonstad-noord }
spec:
  priority: 1
  appliesTo: { kinds: [exp-uplift, exp-same] }
  rules:
    - { name: uplift, when: "receivable.kind == 'exp-uplift'", classification: exp-uplift, flow: uplift }
    - { name: same, when: "receivable.kind == 'exp-same'", classification: exp-same, flow: same }
`;

describe('experiments: assignment, outcomes and the report on a seeded street', () => {
  let street: TestStreet;
  let db: Database;
  let dir: string;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  /** Per experiment and arm, what the driver paid within the window: the truth the report must find. */
  const truth: Record<string, Record<string, { n: number; successes: number }>> = {};

  beforeAll(async () => {
    offset = T0 - Date.now();
    process.env.OST_RATE_LIMIT_PER_SECOND = '100000';
    dir = mkdtempSync(join(tmpdir(), 'ost-experiments-'));
    cpSync('flows', join(dir, 'flows'), { recursive: true });
    const corp = join(dir, 'woonstad-noord');
    mkdirSync(corp);
    for (const f of ['corporation.yaml', 'erp-api-key.secret.yaml'])
      cpSync(join('examples/01-woonstad-noord', f), join(corp, f));
    writeFileSync(
      join(corp, 'experiments.yaml'),
      `${flows('uplift', 'exp-uplift', 'bandit')}---\n${flows('same', 'exp-same', 'fixed')}---\n${rules}`,
    );
    cpSync('examples/02-rivierstede', join(dir, 'rivierstede'), { recursive: true });
    street = await startStreet([join(dir, 'flows'), corp, join(dir, 'rivierstede')]);
    await street.startRuntime({ experimentSweepMs: 0 }, { clock });
    db = await createDatabase(street.db.url);
  }, 60_000);
  afterAll(async () => {
    delete process.env.OST_RATE_LIMIT_PER_SECOND;
    await db?.end();
    await street?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const report = async (name: string, key?: string) => {
    const res = await street.get(`/v1/experiments/${name}/report`, key);
    return { status: res.status, body: (await res.json()) as ExperimentReport & { flow: string } };
  };

  it('26,000 dossiers through NDJSON: each case in the arm its debtor hashes to, running that arm’s flow', async () => {
    const example = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
    const line = (kind: string, prefix: string, i: number) =>
      JSON.stringify({
        ...example,
        kind,
        externalId: `EXP-${prefix}-${i}`,
        amount: 10_000,
        debtor: { ...example.debtor, id: `D-${prefix}-${i}` },
      });
    const body = [
      ...Array.from({ length: UPLIFT }, (_, i) => line('exp-uplift', 'U', i)),
      ...Array.from({ length: SAME }, (_, i) => line('exp-same', 'S', i)),
    ].join('\n');
    const started = Date.now();
    const posted = await street.post('/v1/receivables', `${body}\n`, undefined, 'application/x-ndjson');
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ accepted: UPLIFT + SAME, rejected: 0 });
    await eventually(
      async () =>
        Number(await db.oneFirst(sql.unsafe`SELECT count(*) FROM cases WHERE experiment IS NOT NULL`)) ===
        UPLIFT + SAME,
      120_000,
      'every case started',
    );

    const stored = Date.now();
    console.info('experiments street: stored', UPLIFT + SAME, 'dossiers in', stored - started, 'ms');
    const rows = (await db.any(sql.unsafe`
      SELECT r.external_id, r.debtor->>'id' AS debtor_id, c.experiment, c.experiment_arm, c.flow
      FROM cases c JOIN receivables r ON r.id = c.receivable_id WHERE c.experiment IS NOT NULL`)) as unknown as {
      external_id: string;
      debtor_id: string;
      experiment: string;
      experiment_arm: string;
      flow: string;
    }[];
    const declared = fixedAllocation(0.1, [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
    ]);
    const wrong = rows.filter(
      (r) =>
        r.experiment_arm !== armAt(declared, assignmentPoint('woonstad-noord', r.experiment, r.debtor_id)) ||
        r.flow !== (r.experiment_arm === 'b' ? `${r.experiment}-b` : r.experiment),
    );
    expect(wrong).toEqual([]);
    const holdout = rows.filter((r) => r.experiment === 'uplift' && r.experiment_arm === HOLDOUT).length;
    // 10% of 20,000 = 2,000; binomial s.d. 42: within 4 s.d.
    expect(Math.abs(holdout - 2_000)).toBeLessThan(170);

    const inB = rows.find((r) => r.experiment === 'uplift' && r.experiment_arm === 'b')!;
    const view = (await (await street.get(`/v1/receivables/${inB.external_id}`)).json()) as {
      cases: { flow: string; timeline: { text: string }[] }[];
    };
    expect(view.cases[0]!.timeline[0]!.text).toBe('Experiment "uplift": variant "b", flow uplift-b');

    // Nothing is known yet: every case is inside its 14-day window.
    const early = await report('uplift');
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: 'collecting', stop: false, flow: 'uplift' });
    expect(early.body.arms.map((a) => a.n)).toEqual([0, 0, 0]);

    // The driver: fixed seed; in "uplift" B truly pays 8 points more than A, in "same" no arm differs.
    // Some pay after the window (day 20), which must not count.
    const rates: Record<string, Record<string, number>> = {
      uplift: { holdout: 0.08, a: 0.1, b: 0.18 },
      same: { holdout: 0.1, a: 0.1, b: 0.1 },
    };
    const random = seededRandom(20261202);
    const payments: { externalId: string; paidAt: string }[] = [];
    let late = 0; // the first 300 late payers (day 20) are posted too; the draws stay the same
    for (const r of rows.sort((x, y) => x.external_id.localeCompare(y.external_id))) {
      const experiment = truth[r.experiment] ?? {};
      truth[r.experiment] = experiment;
      const arm = experiment[r.experiment_arm] ?? { n: 0, successes: 0 };
      experiment[r.experiment_arm] = arm;
      arm.n++;
      if (random() < rates[r.experiment]![r.experiment_arm]!) {
        arm.successes++;
        payments.push({
          externalId: r.external_id,
          paidAt: new Date(T0 + (1 + Math.floor(random() * 13)) * DAY).toISOString(),
        });
      } else if (random() < 0.05 && late++ < 300) {
        payments.push({ externalId: r.external_id, paidAt: new Date(T0 + 20 * DAY).toISOString() });
      }
    }
    offset = T0 + 21 * DAY - Date.now();
    const paying = Date.now();
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < payments.length) {
          const p = payments[next++]!;
          const res = await street.post(`/v1/receivables/${p.externalId}/payments`, {
            amount: 10_000,
            paymentId: `pay-${p.externalId}`,
            paidAt: p.paidAt,
          });
          if (res.status !== 200) failures.push(`${p.externalId} ${res.status}`);
          await res.arrayBuffer();
        }
      }),
    );
    expect(failures).toEqual([]);
    console.info(
      'experiments street',
      JSON.stringify({ storedMs: stored - started, payments: payments.length, paidMs: Date.now() - paying }),
    );
  }, 300_000);

  it('B truly 8 points better: the report counts exactly what was paid within 14 days and calls B better, 0 outside the interval', async () => {
    const { status, body } = await report('uplift');
    expect(status).toBe(200);
    for (const arm of body.arms) {
      expect({ arm: arm.arm, n: arm.n, successes: arm.successes }).toEqual({
        arm: arm.arm,
        ...truth.uplift![arm.arm],
      });
    }
    expect(body).toMatchObject({ status: 'conclusive', stop: true, winner: 'b', comparisonConfidence: 0.95 });
    const b = body.arms.find((a) => a.arm === 'b')!;
    expect(b.vsControl!.verdict).toBe('better');
    expect(b.vsControl!.interval.lower).toBeGreaterThan(0);
    expect(b.vsControl!.difference).toBeGreaterThan(0.05);
    expect(b.vsControl!.difference).toBeLessThan(0.11);
    expect(b.vsHoldout!.verdict).toBe('better');
    expect(b.guardrail).toMatchObject({ stopped: false, complaintRate: 0 });
    // The CLI over the same API: the text report and -o json.
    const args = ['experiments', 'report', 'uplift', '--url', street.runtimes[0]!.url, '--api-key', DEMO_KEY];
    const text = await cli('.', ...args);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toBe(
      'experiment uplift (flow uplift, mode bandit): conclusive: b is better than the control; the stop rule says stop',
    );
    expect(text.out).toMatch(/\nb +\d+ +\d+ +\d+\.\d% .* better/);
    const json = await cli('.', ...args, '-o', 'json');
    expect(JSON.parse(json.out)).toEqual(body);
    console.info(`uplift report\n${text.out}`);
  });

  it('no true difference: inconclusive, no winner, the interval contains 0', async () => {
    const { body } = await report('same');
    for (const arm of body.arms) {
      expect({ arm: arm.arm, n: arm.n, successes: arm.successes }).toEqual({
        arm: arm.arm,
        ...truth.same![arm.arm],
      });
    }
    expect(body).toMatchObject({ status: 'inconclusive', stop: false });
    expect(body.winner).toBeUndefined();
    const b = body.arms.find((a) => a.arm === 'b')!;
    expect(b.vsControl!.interval.lower).toBeLessThan(0);
    expect(b.vsControl!.interval.upper).toBeGreaterThan(0);
  });

  it("another corporation's key, no key, an unknown and a malformed name: 404, 401, 404, 400 naming the field", async () => {
    const other = await report('uplift', RIVIERSTEDE_KEY);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('uplift-b');
    expect((await fetch(`${street.runtimes[0]!.url}/v1/experiments/uplift/report`)).status).toBe(401);
    expect((await report('no-such-experiment')).status).toBe(404);
    const bad = await street.get('/v1/experiments/UPLIFT%20x/report');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'OST_ERR_VALIDATION', errors: [{ field: 'name' }] });
    const long = await street.get(`/v1/experiments/${'a'.repeat(5000)}/report`);
    expect(long.status).toBeGreaterThanOrEqual(400);
    expect(long.status).toBeLessThan(500);
  });

  it('bandit: the sweep moves new traffic to B, which pays better, and the holdout keeps its share', async () => {
    const runtime = street.runtimes[0]!;
    const bundles = runtime.bundles.corporations().flatMap((c) => runtime.bundles.get(c) ?? []);
    expect(await refreshAllocations(db, bundles, clock())).toBe(2);
    const stored = await findAllocation(db, 'woonstad-noord', 'uplift');
    expect(stored!.allocation.holdout).toBe(0.1);
    const shareOfB = stored!.allocation.variants.find((v) => v.name === 'b')!.share;
    expect(shareOfB).toBeGreaterThan(0.9);
    expect(stored!.stopped).toEqual([]);
    // "same" runs fixed: the declared weights stay.
    expect((await findAllocation(db, 'woonstad-noord', 'same'))!.allocation.variants).toEqual([
      { name: 'a', share: 0.5 },
      { name: 'b', share: 0.5 },
    ]);

    // 2,000 new debtors: intake reads the stored allocation.
    const example = JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8'));
    const body = Array.from({ length: 2_000 }, (_, i) =>
      JSON.stringify({
        ...example,
        kind: 'exp-uplift',
        externalId: `EXP-N-${i}`,
        debtor: { ...example.debtor, id: `D-N-${i}` },
      }),
    ).join('\n');
    expect(
      (await street.post('/v1/receivables', `${body}\n`, undefined, 'application/x-ndjson')).status,
    ).toBe(202);
    const arms = await eventually(
      async () => {
        const rows = (await db.any(sql.unsafe`
          SELECT c.experiment_arm AS arm, count(*)::int AS n FROM cases c JOIN receivables r ON r.id = c.receivable_id
          WHERE r.external_id LIKE 'EXP-N-%' GROUP BY 1`)) as unknown as { arm: string; n: number }[];
        const all = Object.fromEntries(rows.map((r) => [r.arm, r.n]));
        return rows.reduce((sum, r) => sum + r.n, 0) === 2_000 ? all : undefined;
      },
      60_000,
      'the new cases',
    );
    // Holdout: 10% of 2,000 (s.d. 13), by the same hash as before; B: most of the rest.
    expect(Math.abs((arms.holdout ?? 0) - 200)).toBeLessThan(60);
    expect((arms.b ?? 0) / ((arms.a ?? 0) + (arms.b ?? 0))).toBeGreaterThan(0.85);
    const declared = fixedAllocation(0.1, [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
    ]);
    const inHoldout = Array.from({ length: 2_000 }, (_, i) => `D-N-${i}`).filter(
      (d) => armAt(declared, assignmentPoint('woonstad-noord', 'uplift', d)) === HOLDOUT,
    ).length;
    expect(arms.holdout ?? 0).toBe(inHoldout);
  });
});
