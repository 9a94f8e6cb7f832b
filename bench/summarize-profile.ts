// `tsx bench/summarize-profile.ts FILE.cpuprofile [N]`: where a runtime spent its CPU, by self time per
// function and per package, from a profile written by `npm run bench -- --profile DIR`.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/summarize-profile.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
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
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    process.stdout.write(
      `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(7)} s  ${k}\n`,
    );
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
show('by package / folder (self time):', pkgs);
show('by function (self time):', fns);
