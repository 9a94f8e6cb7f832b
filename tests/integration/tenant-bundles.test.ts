// The runtime's own check of the tenant boundary, for a bundle that reaches it although the operator
// should have refused it (an operator without the checks, a hand-written KV entry): a bundle that claims
// another corporation's ERP API key or payment host, or names a Secret with a path, is refused, counted
// and logged, and the corporation that was there first goes on being served. Real NATS KV, Postgres, SMTP.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUCKET, bundleKey, type ConfigBundle } from '../../core/bundle/types.js';
import { API_VERSION, type Resource } from '../../core/resources/kinds.js';
import type { CorporationSpec } from '../../core/resources/types.generated.js';
import { compileStreet } from '../../operator/compiler/index.js';
import { readResourceFiles } from '../../operator/sources/read-resource-files.js';
import { createDatabase, type Database, sql } from '../../platform/db/index.js';
import type { RunningRuntime } from '../../runtime/start-runtime.js';
import { DEMO_KEY, eventually, startStreet, TEST_LINKS, type TestStreet } from '../support/street.js';

const NOORD_HOST = 'betalen.woonstad-noord.example';
const storno = (externalId: string) => ({
  ...JSON.parse(readFileSync('examples/01-woonstad-noord/receivables/storno.json', 'utf8')),
  externalId,
});

let street: TestStreet;
let runtime: RunningRuntime;
let kv: KV;
let db: Database;

/** A corporation of the base street, compiled on its own: no check against the rest of the street. */
function hostileBundle(ns: string, spec: Partial<CorporationSpec>, apiKey: string): ConfigBundle {
  const corporation: Resource<'Corporation'> = {
    apiVersion: API_VERSION,
    kind: 'Corporation',
    metadata: { name: ns, namespace: ns },
    spec: {
      displayName: ns,
      sender: { email: `noreply@${ns}.example` },
      senderDomains: [`${ns}.example`],
      ingress: { apiKeySecretRef: { name: 'erp-api-key' } },
      ...spec,
    },
  };
  const result = compileStreet([...readResourceFiles(['flows']).resources, corporation], {
    secrets: () => apiKey,
  });
  const bundle = result.bundles.find((b) => b.corporation.id === ns);
  if (!bundle) throw new Error(`the ${ns} bundle did not compile: ${result.errors[0]?.message}`);
  return bundle;
}

async function metrics(): Promise<string> {
  return (await fetch(`${street.runtimes[0]!.metricsUrl}/metrics`)).text();
}

/** Publishes `bundle` as the operator would and waits until the runtime has dealt with it. */
async function publish(bundle: ConfigBundle, reason: string): Promise<void> {
  const id = bundle.corporation.id;
  await kv.put(bundleKey(id), JSON.stringify(bundle));
  const refused = `outputstraat_bundles_refused_total{corporation="${id}",reason="${reason}"} 1`;
  await eventually(
    async () => (await metrics()).includes(refused) || runtime.bundles.get(id) !== undefined,
    10_000,
    `the runtime to load or refuse the ${id} bundle`,
  );
}

function page(host: string, path: string): Promise<number> {
  const { port } = new URL(runtime.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  street = await startStreet();
  runtime = await street.startRuntime();
  kv = await new Kvm((await jetstreamManager(street.nc)).jetstream()).open(BUNDLE_BUCKET);
  db = await createDatabase(street.db.url);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await street?.stop();
});

describe('a bundle that reaches into another corporation', () => {
  it('claiming its ERP API key is refused, and the key keeps reaching the first corporation', async () => {
    expect((await street.post('/v1/receivables', storno('TENANT-KEY-1'))).status).toBe(202);
    await eventually(
      async () => (await street.get('/v1/receivables/TENANT-KEY-1')).status === 200,
      10_000,
      'the receivable stored',
    );

    await publish(hostileBundle('key-thief', {}, DEMO_KEY), 'api-key');

    expect(runtime.bundles.get('key-thief')).toBeUndefined();
    expect((await street.get('/v1/receivables/TENANT-KEY-1')).status).toBe(200);
    expect((await street.post('/v1/receivables', storno('TENANT-KEY-2'))).status).toBe(202);
    const owner = await eventually(
      async () =>
        (await db.maybeOneFirst(
          sql.unsafe`SELECT corporation FROM receivables WHERE external_id = 'TENANT-KEY-2'`,
        )) ?? undefined,
      10_000,
      'the second receivable stored',
    );
    expect(owner).toBe('woonstad-noord');
  });

  it('claiming its payment host is refused, and its payment pages stay on that host', async () => {
    expect((await street.post('/v1/receivables', storno('TENANT-HOST-1'))).status).toBe(202);
    const linkId = await eventually(
      async () =>
        ((await db.maybeOneFirst(sql.unsafe`
          SELECT l.id FROM links l JOIN receivables r ON r.id = l.receivable_id
          WHERE r.external_id = 'TENANT-HOST-1' AND l.purpose = 'payment'`)) ?? undefined) as
          | string
          | undefined,
      15_000,
      'the payment link of the storno mail',
    );
    const token = TEST_LINKS.tokenOf(linkId);
    expect(await page(NOORD_HOST, `/p/${token}`)).toBe(200);

    await publish(hostileBundle('host-thief', { paymentHost: NOORD_HOST }, 'host-thief-key'), 'payment-host');

    expect(runtime.bundles.get('host-thief')).toBeUndefined();
    expect(await page(NOORD_HOST, `/p/${token}`)).toBe(200);
    // The refused bundle's own key does not work either: nothing of it was loaded.
    expect((await street.get('/v1/receivables/TENANT-HOST-1', 'host-thief-key')).status).toBe(401);
  });

  it('naming a Secret with a path is refused before any credential is looked up', async () => {
    const bundle = hostileBundle('path-walker', {}, 'path-walker-key');
    const email = bundle.channels.email!;
    email.spec = { ...email.spec, credentialsSecretRef: { name: '../woonstad-noord/smtp-credentials' } };

    await publish(bundle, 'invalid-name');

    expect(runtime.bundles.get('path-walker')).toBeUndefined();
    expect(await metrics()).toContain(
      'outputstraat_bundles_refused_total{corporation="path-walker",reason="invalid-name"} 1',
    );
  });
});
