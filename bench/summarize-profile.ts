// `tsx bench/summarize-profile.ts FILE.cpuprofile [N] [--per ITEMS]`: where a runtime spent its CPU, by
// self time per function and per package, and by stage of a send (the first stage found on a sample's
// stack, most specific first; `--per 3000` adds milliseconds per mail), from a profile written by
// `npm run bench -- --profile DIR`. The profile samples the thread's wall time: a sample in a syscall may
// be time the thread waited for a core (bench/cpu.ts counts CPU).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const perAt = args.indexOf('--per');
const perItems = perAt >= 0 ? Number(args.splice(perAt, 2)[1]) : undefined;
const [file, top = '25'] = args;
if (!file) {
  process.stderr.write('usage: tsx bench/summarize-profile.ts FILE.cpuprofile [N] [--per ITEMS]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
const selfUs = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

const where = (url: string) => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return url;
  const ours = /\/work\/[^/]+\/(.+)$/.exec(url)?.[1];
  return ours ?? (url || '(native/gc/idle)');
};
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const { callFrame: f } = byId.get(id)!;
  total += us;
  const fn = `${f.functionName || '(anonymous)'}  ${where(f.url)}:${f.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  const pkg = f.url ? where(f.url).split('/').slice(0, 2).join('/') : f.functionName;
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>, per?: number) => {
  process.stdout.write(`${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    process.stdout.write(
      `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(7)} s` +
        `${per ? `  ${(us / 1e3 / per).toFixed(3).padStart(6)} ms each` : ''}  ${k}\n`,
    );
};

/** The stages of a send, most specific first: a sample counts for the first whose pattern is on its stack. */
const STAGES: [string, RegExp][] = [
  ['idle', /^\(idle\)/],
  ['garbage collector', /^\(garbage collector\)/],
  ['module loading (startup)', /node:internal\/modules|node_modules\/tsx\//],
  ['SMTP hand-over (nodemailer pool)', /smtp-pool|smtp-connection|^send .*smtp-channel/],
  [
    'MIME build (nodemailer)',
    /^build .*smtp-channel|stream-transport|mail-composer|mime-node|nodemailer\/.*mailer/,
  ],
  ['archive parts (seal, sha256, rows)', /archive-store/],
  ['message rows (seal, rows)', /record-message/],
  ['links (tokens, seal)', /payment-link|link-tokens|link-seal/],
  ['render', /compose-step|core\/messages|core\/render|handlebars/],
  ['record sent', /record-sent|write-group/],
  ['prepare group (locks, checks)', /prepare-group/],
  ['scheduler', /runtime\/scheduler|step-claims|publish-dispatch/],
  ['NATS client', /@nats-io/],
  ['Postgres driver (writes, results)', /slonik|pg-protocol|node_modules\/pg\//],
  ['metrics', /prom-client/],
  ['dispatcher, leases', /runtime\/dispatch|jetstream-work-queue/],
];
const stages = new Map<string, number>();
for (const [id, us] of selfUs) {
  const stack: string[] = [];
  for (let n: Node | undefined = byId.get(id); n; n = n.parent === undefined ? undefined : byId.get(n.parent))
    stack.push(`${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url}`);
  const stage = STAGES.find(([, re]) => stack.some((frame) => re.test(frame)))?.[0] ?? 'other';
  stages.set(stage, (stages.get(stage) ?? 0) + us);
}

process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
show('by package / folder (self time):', pkgs);
show('by function (self time):', fns);
show('by stage of a send:', stages, perItems);
