// Intake's two lanes on a real nats-server and PostgreSQL: the chunks of a bulk post go to the bulk lane
// (consumer `intake-bulk`), a single post and a bulk post of a few go to the lane of single posts (consumer
// `intake`), so a rent day's bulk never stands between another corporation's receivable and intake. An
// intake consumer made before the lanes (no filter: every subject) is narrowed at start, or the bulk lane
// could not be created beside it on a work-queue stream.
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureRuntimeConsumers,
  INTAKE_BULK_CONSUMER,
  INTAKE_CONSUMER,
  INTAKE_STREAM,
} from '../../platform/bus/index.js';
import { sql } from '../../platform/db/index.js';
import { BULK_LANE_MIN } from '../../runtime/api/bulk-intake.js';
import { eventually } from '../support/street.js';
import { DEMO_KEY, type ErpStreet, startErpStreet, testReceivable, ZUID_KEY } from './erp-api-street.js';

let erp: ErpStreet;

beforeAll(async () => {
  // An ingress without workers: what is posted stays on the stream, in its lane.
  erp = await startErpStreet({ runtime: { workers: [] } });
});
afterAll(async () => {
  await erp?.stop();
});

const ndjson = (ids: string[]) => `${ids.map((id) => JSON.stringify(testReceivable(id))).join('\n')}\n`;
const pending = async (durable: string) =>
  (await (await jetstreamManager(erp.street.nc)).consumers.info(INTAKE_STREAM, durable)).num_pending;
const stored = async (ids: string[]) =>
  Number(
    await erp.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM receivables WHERE external_id = ANY(${sql.array(ids, 'text')})`),
  );

describe("intake's lanes", () => {
  it('a bulk post goes to the bulk lane; a single post and a post of a few to the lane of single posts', async () => {
    const bulk = Array.from({ length: BULK_LANE_MIN * 3 }, (_, i) => `LANE-BULK-${i}`);
    const few = ['LANE-FEW-1', 'LANE-FEW-2', 'LANE-FEW-3'];
    const res = await erp.street.post('/v1/receivables', ndjson(bulk), undefined, 'application/x-ndjson');
    expect(res.status).toBe(202);
    expect(
      (await erp.street.post('/v1/receivables', ndjson(few), undefined, 'application/x-ndjson')).status,
    ).toBe(202);
    const single = await erp.street.post('/v1/receivables', testReceivable('LANE-ZUID-1'), ZUID_KEY);
    expect(single.status).toBe(202);
    // One chunk of 150 on the bulk lane; the post of three and the single post on the other.
    expect(await pending(INTAKE_BULK_CONSUMER)).toBe(1);
    expect(await pending(INTAKE_CONSUMER)).toBe(2);

    // An intake worker takes both lanes.
    await erp.street.startRuntime({ workers: ['intake'] });
    await eventually(
      async () => ((await stored([...bulk, ...few, 'LANE-ZUID-1'])) === bulk.length + 4 ? true : undefined),
      20_000,
      'every receivable of both lanes stored',
    );
    expect(await pending(INTAKE_BULK_CONSUMER)).toBe(0);
    expect(await pending(INTAKE_CONSUMER)).toBe(0);
  });

  it("a corporation's flood of single posts spills onto the bulk lane; another corporation's post keeps the single lane", async () => {
    // The intake worker of the test before stops: what is posted now stays on the stream, in its lane.
    for (const r of erp.street.runtimes.splice(1)) await r.close();
    // A replica whose lane of single posts takes 1 a second per corporation, bursts of 2.
    process.env.OST_INTAKE_SINGLE_LANE_PER_SECOND = '1';
    const replica = await erp.street.startRuntime({ workers: [] }).finally(() => {
      delete process.env.OST_INTAKE_SINGLE_LANE_PER_SECOND;
    });
    const post = (body: unknown, key = DEMO_KEY) =>
      fetch(`${replica.url}/v1/receivables`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const single = await pending(INTAKE_CONSUMER);
    const bulk = await pending(INTAKE_BULK_CONSUMER);
    const flood = Array.from({ length: 40 }, (_, i) => `FLOOD-${i}`);
    const started = Date.now();
    const answers = await Promise.all(flood.map((id) => post(testReceivable(id))));
    const seconds = (Date.now() - started) / 1000;
    expect(answers.map((r) => r.status)).toEqual(flood.map(() => 202));
    // The burst and one a second stay single; the rest of the flood went to the bulk lane.
    const onSingle = (await pending(INTAKE_CONSUMER)) - single;
    expect(onSingle).toBeGreaterThanOrEqual(2);
    expect(onSingle).toBeLessThanOrEqual(2 + Math.ceil(seconds));
    expect((await pending(INTAKE_BULK_CONSUMER)) - bulk).toBe(flood.length - onSingle);
    // The other corporation's budget is its own: its post is on the lane of single posts.
    expect((await post(testReceivable('FLOOD-ZUID-1'), ZUID_KEY)).status).toBe(202);
    expect((await pending(INTAKE_CONSUMER)) - single).toBe(onSingle + 1);
    await replica.close();
    erp.street.runtimes.splice(erp.street.runtimes.indexOf(replica), 1);

    // Both lanes are stored: nothing of the flood is lost or doubled.
    const worker = await erp.street.startRuntime({ workers: ['intake'] });
    await eventually(
      async () => ((await stored([...flood, 'FLOOD-ZUID-1'])) === flood.length + 1 ? true : undefined),
      20_000,
      'the flood and the other corporation stored',
    );
    await worker.close();
    erp.street.runtimes.splice(erp.street.runtimes.indexOf(worker), 1);
  });

  it('narrows an intake consumer made before the lanes, and adds the bulk lane beside it', async () => {
    const jsm = await jetstreamManager(erp.street.nc);
    await jsm.consumers.delete(INTAKE_STREAM, INTAKE_BULK_CONSUMER);
    await jsm.consumers.delete(INTAKE_STREAM, INTAKE_CONSUMER);
    // As an older runtime made it: no filter, every subject of the stream.
    await jsm.consumers.add(INTAKE_STREAM, { durable_name: INTAKE_CONSUMER, ack_policy: AckPolicy.Explicit });
    await expect(
      jsm.consumers.add(INTAKE_STREAM, {
        durable_name: INTAKE_BULK_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        filter_subject: 'ost.intake.*.bulk',
      }),
    ).rejects.toThrow();
    await ensureRuntimeConsumers(jsm);
    const single = await jsm.consumers.info(INTAKE_STREAM, INTAKE_CONSUMER);
    const bulk = await jsm.consumers.info(INTAKE_STREAM, INTAKE_BULK_CONSUMER);
    expect(single.config.filter_subject).toBe('ost.intake.*');
    expect(bulk.config.filter_subject).toBe('ost.intake.*.bulk');
    // Run again (every replica does at start): nothing changes, nothing fails.
    await ensureRuntimeConsumers(jsm);
    expect((await jsm.consumers.info(INTAKE_STREAM, INTAKE_CONSUMER)).config.filter_subject).toBe(
      'ost.intake.*',
    );
  });
});
