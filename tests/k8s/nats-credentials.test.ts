// The operator and the runtime on a NATS server that demands a login, each as its own user (as the chart
// recommends): the operator, in a real cluster, publishes the street's bundles with NATS_USER and
// NATS_PASSWORD, and a runtime with its own user takes a receivable through to a mail. An operator with
// no or wrong credentials refuses to start with one line that names the variables, and no stack trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import { type CountingSink, startCountingSink } from '../support/durability-street.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { isReady, listOurs } from './support/cluster.js';
import { applyManifests, installCrds, repoRoot } from './support/kubectl.js';
import { type OperatorProcess, operatorRefusal, startOperator } from './support/operator-process.js';
import { streetFixture } from './support/street-fixture.js';
import { waitFor } from './support/wait.js';

const OPERATOR = { user: 'outputstraat-operator', password: 'operator-Secret-1' };
const RUNTIME = { user: 'outputstraat-runtime', password: 'runtime-Secret-2' };
const DEMO_KEY = 'demo-woonstad-noord-key';

const fixture = streetFixture();
let cp: ControlPlane;
let nats: NatsServer;
let db: TestDatabase;
let sink: CountingSink;
let kube: KubeClient;
let operator: OperatorProcess | undefined;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  [cp, nats, db, sink] = await Promise.all([
    startControlPlane(),
    startNatsServer({ authorization: { users: [OPERATOR, RUNTIME] } }),
    createTestDatabase(),
    startCountingSink(),
  ]);
  kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await installCrds(cp.kubeconfigPath);
  await applyManifests(cp.kubeconfigPath, fixture.paths);
}, 180_000);

afterEach(({ task }) => {
  if (task.result?.state === 'fail' && operator) {
    console.error(`operator log (last 40 lines):\n${operator.logs().slice(-40).join('\n')}`);
  }
});

afterAll(async () => {
  await runtime?.kill();
  await operator?.stop();
  kube?.close();
  await sink?.stop();
  await nats?.stop();
  await db?.drop();
  await cp?.stop();
}, 60_000);

/** The one fatal line of a process that refused to start, checked to carry no stack trace. */
function fatalLine(output: string): string {
  const lines = output
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; msg: string });
  const fatal = lines.filter((l) => l.level === 60);
  expect(fatal).toHaveLength(1);
  expect(output).not.toMatch(/\n\s+at /);
  return fatal[0]!.msg;
}

describe('NATS credentials for the operator and the runtime', () => {
  it('an operator with NATS_USER and NATS_PASSWORD publishes the street, and a runtime with its own user sends a receivable', async () => {
    operator = await startOperator({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'operator-login',
      env: { NATS_USER: OPERATOR.user, NATS_PASSWORD: OPERATOR.password },
    });
    await waitFor(
      'every resource Ready (bundles published over the logged-in connection)',
      async () => {
        const objects = await listOurs(kube);
        return objects.length === fixture.resourceCount && objects.every(isReady);
      },
      90_000,
      250,
    );

    runtime = await startRuntimeProcess({
      name: 'runtime-login',
      databaseUrl: db.url,
      natsUrl: nats.url,
      smtp: { port: sink.port },
      env: { NATS_USER: RUNTIME.user, NATS_PASSWORD: RUNTIME.password },
    });
    const storno = readFileSync(join(repoRoot, 'examples/01-woonstad-noord/receivables/storno.json'), 'utf8');
    const res = await fetch(`${runtime.url}/v1/receivables`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: storno,
    });
    expect(res.status).toBe(202);
    await sink.waitFor(1, 30_000);
    expect(sink.mails[0]!.to).toBe('k.balogun@example.org');
  }, 180_000);

  it('an operator with a wrong password exits with one line naming NATS_USER and NATS_PASSWORD', async () => {
    const refused = await operatorRefusal({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'operator-wrong',
      env: { NATS_USER: OPERATOR.user, NATS_PASSWORD: 'guessed' },
    });
    expect(refused.code).toBe(1);
    expect(fatalLine(refused.output)).toBe(
      `cannot log in to NATS at 127.0.0.1:${nats.port}: it rejected the credentials ` +
        '(authorization violation); check NATS_USER and NATS_PASSWORD',
    );
    expect(refused.output).not.toContain('guessed');
  });

  it('an operator without credentials exits with one line saying which variables to set', async () => {
    const refused = await operatorRefusal({
      kubeconfig: cp.kubeconfigPath,
      natsUrl: nats.url,
      identity: 'operator-anonymous',
    });
    expect(refused.code).toBe(1);
    expect(fatalLine(refused.output)).toBe(
      `cannot log in to NATS at 127.0.0.1:${nats.port}: it requires credentials and none are set; ` +
        'set NATS_USER and NATS_PASSWORD, NATS_NKEY_SEED_FILE or NATS_CREDS_FILE',
    );
  });
});
