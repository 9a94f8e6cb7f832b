// The shipped Grafana dashboards and alert rules against a real Prometheus scraping a real street: a
// runtime that took receivables (first without dispatchers, so a backlog shows, then with), and the
// Kubernetes operator reconciling the street in a real kube-apiserver. Every panel query must return
// data over the test's time range, every metric a panel or a rule names must exist, and promtool and
// Prometheus itself must accept the rules.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeClient } from '../../operator/kubernetes/kube-client.js';
import { connectionFromKubeconfig } from '../../operator/kubernetes/kube-config.js';
import type { RunningRuntime } from '../../runtime/start-runtime.js';
import { isReady, listOurs } from '../k8s/support/cluster.js';
import { applyManifests, installCrds, repoRoot } from '../k8s/support/kubectl.js';
import { type OperatorProcess, startOperator } from '../k8s/support/operator-process.js';
import { streetFixture } from '../k8s/support/street-fixture.js';
import { freePort, waitFor } from '../k8s/support/wait.js';
import { type ControlPlane, startControlPlane } from '../support/kube-control-plane.js';
import { type NatsServer, startNatsServer } from '../support/nats-server.js';
import { startStreet, type TestStreet } from '../support/street.js';
import { findPrometheus, type Prometheus, startPrometheus } from './support/prometheus.js';

const chart = join(repoRoot, 'charts', 'outputstraat');
const rulesFile = join(chart, 'files', 'rules', 'outputstraat.rules.yaml');
const dashboardFiles = readdirSync(join(chart, 'files', 'dashboards')).filter((f) => f.endsWith('.json'));

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: { query: string } | string }[] };
}

const fixture = streetFixture();
let prom: Prometheus;
let street: TestStreet;
let cp: ControlPlane;
let operatorNats: NatsServer;
let operator: OperatorProcess;
let started = 0;

const addressOf = (url: string) => new URL(url).host;
const run = Date.now();
const receivable = (i: number) => ({
  ...JSON.parse(readFileSync(join(repoRoot, 'examples/01-woonstad-noord/receivables/storno.json'), 'utf8')),
  externalId: `MON-${run}-${i}`,
});

beforeAll(async () => {
  findPrometheus('promtool');
  prom = await startPrometheus({ ruleFiles: [rulesFile] });
  started = Math.floor(Date.now() / 1000);
  [street, cp, operatorNats] = await Promise.all([
    startStreet(fixture.paths),
    startControlPlane(),
    startNatsServer(),
  ]);

  // The operator in a cluster, on its own NATS: here only its metrics matter.
  await installCrds(cp.kubeconfigPath);
  operator = await startOperator({
    kubeconfig: cp.kubeconfigPath,
    natsUrl: operatorNats.url,
    identity: 'operator-m',
  });
  await applyManifests(cp.kubeconfigPath, fixture.paths);
  const kube = new KubeClient(connectionFromKubeconfig([cp.kubeconfigPath]));
  await waitFor(
    'the street Ready in the cluster',
    async () => (await listOurs(kube)).every(isReady),
    90_000,
    250,
  );
  kube.close();

  // A runtime without dispatchers: receivables come in, cases start, steps wait (due and queued).
  const intake = await street.startRuntime({
    workers: ['intake', 'scheduler'],
    dispatchMaxQueued: 1,
    metricsSampleMs: 500,
    outcomeSampleMs: 500,
  });
  const targets = [
    { job: 'runtime', address: addressOf(intake.metricsUrl) },
    { job: 'operator', address: addressOf(operator.metricsUrl) },
  ];
  prom.setTargets(targets);
  for (let i = 0; i < 3; i++) expect((await street.post('/v1/receivables', receivable(i))).status).toBe(202);
  expect((await street.post('/v1/receivables', { ...receivable(99), amount: 'lots' })).status).toBe(400);
  // A message intake cannot read is a dead letter at once: the dead-letter rule's metric gets a series.
  await jetstream(street.nc).publish('ost.intake.woonstad-noord', 'not an intake envelope');
  await waitFor(
    'a backlog of due and queued steps in Prometheus',
    async () =>
      (await prom.query('max(outputstraat_steps_due) > 0')).length > 0 &&
      (await prom.query('max(outputstraat_steps_queued) > 0')).length > 0,
    60_000,
    250,
  );

  // Keep the backlog a few scrapes long, so a dashboard's range query sees it at its steps.
  await new Promise((r) => setTimeout(r, 4_000));

  // Now a full runtime, scraped on its internal port from its first second on: it sends the backlog and
  // then new receivables.
  const metricsPort = await freePort();
  prom.setTargets([...targets, { job: 'runtime', address: `127.0.0.1:${metricsPort}` }]);
  const full: RunningRuntime = await street.startRuntime({
    metricsPort,
    metricsSampleMs: 500,
    outcomeSampleMs: 500,
  });
  await waitFor(
    'Prometheus to scrape the full runtime',
    async () => (await prom.query(`up{instance="${addressOf(full.metricsUrl)}"} == 1`)).length > 0,
    30_000,
    250,
  );
  for (let i = 3; i < 6; i++) expect((await street.post('/v1/receivables', receivable(i))).status).toBe(202);
  // The storno flow spreads sends (600 an hour, slot n at n × 6 s into the clock hour): near the top
  // of an hour the last ones wait up to half a minute.
  await street.smtp.waitForMessages(6, 60_000);
  await waitFor(
    'the sends in Prometheus',
    async () => (await prom.query('sum(outputstraat_steps_total{outcome="sent"}) >= 6')).length > 0,
    30_000,
    250,
  );
  // Two receivables paid, one in full and one partly: the outcome gauges get recovered euros.
  for (const [i, amount] of [
    [3, 62079],
    [4, 10000],
  ] as const) {
    const res = await street.post(`/v1/receivables/${receivable(i).externalId}/payments`, {
      amount,
      paymentId: `MON-PAY-${i}`,
    });
    expect(res.status).toBe(200);
  }
  await waitFor(
    'the outcome gauges in Prometheus',
    async () =>
      (
        await prom.query(
          'sum(max by (corporation, flow, step, channel) (outputstraat_outcome_message_recovered_euros)) >= 720.79',
        )
      ).length > 0,
    30_000,
    250,
  );
  // A few more scrapes, so rates over the whole window have points on both sides.
  await new Promise((r) => setTimeout(r, 3_000));
}, 240_000);

afterAll(async () => {
  await operator?.stop();
  await street?.stop();
  await operatorNats?.stop();
  await cp?.stop();
  await prom?.stop();
}, 60_000);

/** A panel query as Grafana would send it for this test's time range. */
function resolve(expr: string, rangeSeconds: number): string {
  return expr
    .replaceAll('$__rate_interval', '10s')
    .replaceAll('$__interval', '2s')
    .replaceAll('$__range', `${rangeSeconds}s`)
    .replaceAll('$corporation', '.*');
}

const metricNames = (expr: string) => [
  ...new Set([...expr.matchAll(/\b(outputstraat_[a-z0-9_]+)\b/g)].map((m) => m[1]!)),
];

async function missingMetrics(names: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const series = await prom.api<unknown[]>(
      `series?match[]=${encodeURIComponent(`{__name__="${name}"}`)}&start=${started}`,
    );
    if (series.length === 0) missing.push(name);
  }
  return missing;
}

describe('monitoring', () => {
  for (const file of dashboardFiles) {
    it(`every panel of ${file} returns data`, async () => {
      const dashboard = JSON.parse(
        readFileSync(join(chart, 'files', 'dashboards', file), 'utf8'),
      ) as Dashboard;
      const end = Math.floor(Date.now() / 1000);
      const empty: string[] = [];
      const names = new Set<string>();
      const panels = dashboard.panels
        .flatMap((p) => [p, ...(p.panels ?? [])])
        .filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const panel of panels) {
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          for (const n of metricNames(target.expr)) names.add(n);
          const result = await prom.queryRange(resolve(target.expr, end - started), started, end, 2);
          if (!result.some((s) => (s.values ?? []).length > 0)) empty.push(`${panel.title}: ${target.expr}`);
        }
      }
      expect(empty).toEqual([]);
      expect(await missingMetrics([...names])).toEqual([]);
      for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
        const query = typeof variable.query === 'string' ? variable.query : variable.query!.query;
        const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(query);
        expect(m, query).not.toBeNull();
        const values = await prom.api<string[]>(`label/${m![2]}/values?match[]=${m![1]}&start=${started}`);
        expect(values, `variable ${variable.name}`).toEqual(expect.arrayContaining(['woonstad-noord']));
      }
    }, 60_000);
  }

  it('passes promtool check rules', async () => {
    const out = await new Promise<string>((resolvePromise, reject) =>
      execFile(findPrometheus('promtool'), ['check', 'rules', rulesFile], (err, stdout, stderr) =>
        err ? reject(new Error(`${stdout}${stderr}`)) : resolvePromise(stdout),
      ),
    );
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires OutputstraatDeadLetters for the corporation whose message was dead-lettered, from its first one', async () => {
    const firing = await waitFor(
      'the dead-letter alert',
      async () => {
        const alerts = await prom.query('ALERTS{alertname="OutputstraatDeadLetters"}');
        return alerts.length > 0 ? alerts : undefined;
      },
      30_000,
      250,
    );
    expect(firing.map((a) => a.metric)).toEqual([
      expect.objectContaining({ corporation: 'woonstad-noord', stream: 'OST_INTAKE', alertstate: 'firing' }),
    ]);
  });

  it('has Prometheus evaluate every alert rule without errors, over metrics that exist', async () => {
    const groups = (
      parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups;
    const rules = groups.flatMap((g) => g.rules);
    const loaded = await waitFor(
      'Prometheus to evaluate the rules',
      async () => {
        const data = await prom.api<{
          groups: { rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[];
        }>('rules');
        const all = data.groups.flatMap((g) => g.rules);
        return all.length === rules.length && all.every((r) => !r.lastEvaluation.startsWith('0001'))
          ? all
          : undefined;
      },
      15_000,
      250,
    );
    expect(loaded.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    const names = new Set(rules.flatMap((r) => metricNames(r.expr)));
    expect(await missingMetrics([...names])).toEqual([]);
  });
});
