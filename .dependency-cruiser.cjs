// The house rules, checked in CI (`npm run check:layers`): which part of the code may import which.
// docs/architecture.md explains the layout; this file is the enforceable version of it.
//
//   core/      pure: no I/O, no environment, imports nothing of ours but core/
//   platform/  infrastructure both processes use (bus, database, log, backoff, settings): core/ only
//   operator/  never imports runtime/;   runtime/ never imports operator/
//   runtime/   a folder per stage; a stage imports the stages after it and the domain below it, never
//              one before it (a later stage tells an earlier one by event or injected function).

/** runtime/ folders, first stage first. Each may import only folders later in this list. */
const RUNTIME_ORDER = [
  'api', // HTTP API for ERPs: receivables, payments, status changes, the event feed
  'intake', // accepted receivables from JetStream into Postgres: classification, first steps
  'scheduler', // due steps claimed and queued for dispatch
  'dispatch', // a queued step re-checked under the case lock and handed to a channel
  'channels', // providers: SMTP, Twilio SMS/voice, print over SFTP, webhooks; their callbacks
  'tracking', // what happened to a message: delivered, opened, clicked, bounced
  'replies', // debtors' SMS and email replies: matched, classified, acted on; tasks for people
  'pages', // the debtor's pages: payment page and its composition
  'console', // the staff console: OIDC login, search, the debtor page, actions, audit log
  'forms', // contact-data and meter-reading forms
  'payments', // the payment service provider (Mollie) and its webhook
  'web', // the page shell shared by every page: layout, i18n, CSP, link lookup
  'archive', // every message exactly as sent; retention
  'webhooks', // signed event delivery to the ERP
  'gauges', // sampled gauges of the whole street
  'dossiers', // the domain: receivables, cases, steps, events, links
  'bundles', // the live config bundles from NATS KV
  'metrics', // the runtime's metric definitions
];

const NODE_IO =
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|repl|inspector|os)$';

const stageRules = RUNTIME_ORDER.map((stage, i) => {
  const earlier = RUNTIME_ORDER.slice(0, i);
  return earlier.length === 0
    ? undefined
    : {
        name: `runtime-${stage}-not-upstream`,
        comment: `runtime/${stage} comes after ${earlier.join(', ')} in the pipeline: tell them by event or injected function, do not import them`,
        severity: 'error',
        from: { path: `^runtime/${stage}/` },
        to: { path: `^runtime/(${earlier.join('|')})/` },
      };
}).filter(Boolean);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'files import each other in a circle; split out what both need',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'core/ is pure (ADR 0001): no I/O modules, nothing from platform/, operator/, runtime/',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: ['^(platform|operator|runtime|scripts|tests|bench)/', 'node_modules/pino/'] },
    },
    {
      name: 'core-no-node-io',
      comment: 'core/ does no I/O (ADR 0001): inject what you need from platform/ or the caller',
      severity: 'error',
      from: { path: '^core/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'platform-below-processes',
      comment: 'platform/ is infrastructure under operator/ and runtime/: it imports only core/',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(operator|runtime|scripts|tests|bench)/' },
    },
    {
      name: 'operator-not-runtime',
      comment: 'the operator never imports the runtime; share through core/ or platform/',
      severity: 'error',
      from: { path: '^operator/' },
      to: { path: '^runtime/' },
    },
    {
      name: 'runtime-not-operator',
      comment: 'the runtime never imports the operator; share through core/ or platform/',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: '^operator/' },
    },
    {
      name: 'kube-client-boundary',
      comment:
        '@kubernetes/client-node stays behind operator/kubernetes/kube-client.ts and kube-config.ts (ADR 0005): use KubeClient',
      severity: 'error',
      from: { pathNot: '^operator/kubernetes/kube-(client|config)\\.ts$' },
      to: { path: 'node_modules/@kubernetes/client-node/' },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'production code does not import tests, test kits or scripts',
      severity: 'error',
      from: { path: '^(core|platform|operator|runtime)/', pathNot: '(\\.test\\.ts|/test-kit\\.ts)$' },
      to: { path: ['^(tests|bench|scripts)/', '\\.test\\.ts$', '/test-kit\\.ts$'] },
    },
    {
      name: 'runtime-stage-through-index',
      comment: "another stage's files are private: import what it offers from its index.ts",
      severity: 'error',
      from: { path: '^runtime/([^/]+)/' },
      to: { path: '^runtime/[^/]+/', pathNot: ['^runtime/$1/', '^runtime/[^/]+/index\\.ts$'] },
    },
    {
      name: 'runtime-root-through-index',
      comment: 'the composition root (main.ts, start-runtime.ts) imports each stage through its index.ts',
      severity: 'error',
      from: { path: '^runtime/[^/]+\\.ts$' },
      to: { path: '^runtime/[^/]+/', pathNot: '^runtime/[^/]+/index\\.ts$' },
    },
    ...stageRules,
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API yet; swc parses our TypeScript for the cruise.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.cache)/' },
  },
};
