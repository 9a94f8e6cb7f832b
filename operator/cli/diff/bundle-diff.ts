// What changed between two sets of compiled bundles, per corporation: its revision, and each flow,
// template, channel and classification rule added, removed or changed — for flows with steps added,
// removed and reordered by id, and every changed field.
import type { BundleFlow, BundleRule, ConfigBundle } from '../../../core/bundle/types.js';
import type { FlowReaction, FlowStep } from '../../../core/resources/types.generated.js';
import { brief, diffValues } from './value-diff.js';

export type ItemKind = 'corporation' | 'flow' | 'template' | 'channel' | 'rule';

export interface ItemDiff {
  kind: ItemKind;
  name: string;
  change: 'added' | 'removed' | 'changed';
  details: string[];
}

export interface CorporationDiff {
  id: string;
  displayName: string;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Bundle revisions before and after. */
  from?: string;
  to?: string;
  items: ItemDiff[];
}

export function summarizeStep(step: FlowStep): string {
  if (step.send) {
    const template = step.send.template ?? Object.values(step.send.templates ?? {}).join('/');
    return `send '${template}'${step.send.channel ? ` via ${step.send.channel}` : ''}`;
  }
  if (step.alert) return `alert (${step.alert.action})`;
  if (step.wait) return `wait ${step.wait.for}`;
  if (step.branch) return `branch (${step.branch.cases.length} case(s))`;
  if (step.stop) return `stop${step.stop.reason ? ` (${step.stop.reason})` : ''}`;
  return 'no action';
}

function diffSteps(a: FlowStep[], b: FlowStep[]): string[] {
  const out: string[] = [];
  const idsA = a.map((s) => s.id);
  const idsB = b.map((s) => s.id);
  for (const s of a) if (!idsB.includes(s.id)) out.push(`step '${s.id}' removed (${summarizeStep(s)})`);
  b.forEach((s, i) => {
    if (idsA.includes(s.id)) return;
    const where = i === 0 ? 'at the start' : `after '${b[i - 1]!.id}'`;
    out.push(`step '${s.id}' added ${where}: ${summarizeStep(s)}`);
  });
  const commonA = idsA.filter((id) => idsB.includes(id));
  const commonB = idsB.filter((id) => idsA.includes(id));
  if (commonA.join() !== commonB.join())
    out.push(`steps reordered: ${commonA.join(', ')} → ${commonB.join(', ')}`);
  for (const s of a) {
    const other = b.find((x) => x.id === s.id);
    if (other) out.push(...diffValues(s, other, `step '${s.id}'`));
  }
  return out;
}

function reactionKey(r: FlowReaction): string {
  return `on ${r.event}${r.onlyChannel ? ` (${r.onlyChannel})` : ''}${r.within ? ` within ${r.within}` : ''} → ${r.then}`;
}

function keyed<T>(items: T[], keyOf: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    let key = keyOf(item);
    for (let n = 2; map.has(key); n++) key = `${keyOf(item)} #${n}`;
    map.set(key, item);
  }
  return map;
}

function diffReactions(a: FlowReaction[], b: FlowReaction[]): string[] {
  const ka = keyed(a, reactionKey);
  const kb = keyed(b, reactionKey);
  const out: string[] = [];
  for (const [k, r] of ka)
    if (!kb.has(k)) out.push(`reaction ${k} removed${r.template ? ` (template '${r.template}')` : ''}`);
  for (const [k, r] of kb)
    if (!ka.has(k)) out.push(`reaction ${k} added${r.template ? ` (template '${r.template}')` : ''}`);
  for (const [k, r] of ka) {
    const other = kb.get(k);
    if (other) out.push(...diffValues(r, other, `reaction ${k}`));
  }
  return out;
}

function diffPreconditions(a: BundleFlow['preconditions'], b: BundleFlow['preconditions']): string[] {
  const out: string[] = [];
  const names = (list: BundleFlow['preconditions']) => list.map((p) => p.name);
  for (const p of a)
    if (!names(b).includes(p.name)) out.push(`precondition '${p.name}' removed (${brief(p.expr)})`);
  for (const p of b)
    if (!names(a).includes(p.name)) out.push(`precondition '${p.name}' added: ${brief(p.expr)}`);
  const common = (x: string[], y: string[]) => x.filter((n) => y.includes(n));
  const orderA = common(names(a), names(b));
  const orderB = common(names(b), names(a));
  if (orderA.join() !== orderB.join())
    out.push(`preconditions reordered: ${orderA.join(', ')} → ${orderB.join(', ')}`);
  for (const p of a) {
    const other = b.find((x) => x.name === p.name);
    if (other) out.push(...diffValues(p, other, `precondition '${p.name}'`));
  }
  return out;
}

export function diffFlow(a: BundleFlow, b: BundleFlow): string[] {
  const rest = (f: BundleFlow) => {
    const {
      source: _s,
      revision: _r,
      name: _n,
      steps: _st,
      reactions: _re,
      preconditions: _p,
      ...fields
    } = f;
    return fields;
  };
  return [
    ...diffSteps(a.steps, b.steps),
    ...diffReactions(a.reactions, b.reactions),
    ...diffPreconditions(a.preconditions, b.preconditions),
    ...diffValues(rest(a), rest(b)),
  ];
}

function diffItems<T>(
  kind: ItemKind,
  a: Record<string, T>,
  b: Record<string, T>,
  details: (x: T, y: T) => string[],
  describe: (x: T) => string = () => '',
): ItemDiff[] {
  const out: ItemDiff[] = [];
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (x === undefined && y !== undefined)
      out.push({ kind, name, change: 'added', details: detail(describe(y)) });
    else if (y === undefined && x !== undefined) {
      out.push({ kind, name, change: 'removed', details: detail(describe(x)) });
    } else if (x !== undefined && y !== undefined) {
      const lines = details(x, y);
      if (lines.length > 0) out.push({ kind, name, change: 'changed', details: lines });
    }
  }
  return out;
}

const detail = (text: string) => (text ? [text] : []);

function rulesByName(bundle: ConfigBundle): Record<string, BundleRule> {
  return Object.fromEntries(bundle.rules.map((r) => [`${r.ruleSet}/${r.name}`, r]));
}

export function diffBundle(a: ConfigBundle, b: ConfigBundle): ItemDiff[] {
  const { id: _a, ...corpA } = a.corporation;
  const { id: _b, ...corpB } = b.corporation;
  const items: ItemDiff[] = [];
  const corp = diffValues(corpA, corpB);
  if (corp.length > 0)
    items.push({ kind: 'corporation', name: a.corporation.id, change: 'changed', details: corp });
  items.push(
    ...diffItems(
      'flow',
      a.flows,
      b.flows,
      diffFlow,
      (f) => `${f.steps.length} step(s): ${f.steps.map((s) => s.id).join(' → ')}`,
    ),
  );
  items.push(
    ...diffItems(
      'template',
      a.templates,
      b.templates,
      (x, y) => diffValues(x.spec, y.spec),
      (t) =>
        `${t.spec.role ?? 'message'}${t.spec.channel ? `, ${t.spec.channel}` : ''}, ${Object.keys(t.spec.locales).join('/')}`,
    ),
  );
  items.push(
    ...diffItems(
      'channel',
      a.channels,
      b.channels,
      (x, y) => diffValues(x.spec, y.spec),
      (c) => `${c.spec.type} via ${c.spec.provider}`,
    ),
  );
  const ruleFields = (r: BundleRule) => {
    const { ruleSet: _s, name: _n, ...fields } = r;
    return fields;
  };
  items.push(
    ...diffItems(
      'rule',
      rulesByName(a),
      rulesByName(b),
      (x, y) => diffValues(ruleFields(x), ruleFields(y)),
      (r) => `${r.classification} → flow ${r.flow} when ${brief(r.when)}`,
    ),
  );
  const orderA = a.rules.map((r) => `${r.ruleSet}/${r.name}`).filter((k) => k in rulesByName(b));
  const orderB = b.rules.map((r) => `${r.ruleSet}/${r.name}`).filter((k) => k in rulesByName(a));
  if (orderA.join() !== orderB.join()) {
    items.push({
      kind: 'rule',
      name: '(order)',
      change: 'changed',
      details: [`rules are tried in another order: ${orderA.join(', ')} → ${orderB.join(', ')}`],
    });
  }
  const defaults = diffValues(a.defaultRule, b.defaultRule, 'default');
  if (defaults.length > 0)
    items.push({ kind: 'rule', name: '(default)', change: 'changed', details: defaults });
  return items;
}

export function diffStreets(a: ConfigBundle[], b: ConfigBundle[]): CorporationDiff[] {
  const ids = [...new Set([...a, ...b].map((x) => x.corporation.id))].sort();
  return ids.map((id) => {
    const x = a.find((c) => c.corporation.id === id);
    const y = b.find((c) => c.corporation.id === id);
    const displayName = (y ?? x)!.corporation.displayName;
    if (!x) return { id, displayName, change: 'added', to: y!.revision, items: [] };
    if (!y) return { id, displayName, change: 'removed', from: x.revision, items: [] };
    const items = diffBundle(x, y);
    return {
      id,
      displayName,
      change: items.length > 0 || x.revision !== y.revision ? 'changed' : 'unchanged',
      from: x.revision,
      to: y.revision,
      items,
    };
  });
}
