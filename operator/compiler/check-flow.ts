import { compileExpression } from '../../core/cel/index.js';
import { costsWithoutNotice } from '../../core/engine/index.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { FlowSpec, FlowStep } from '../../core/resources/types.generated.js';
import { checkExperiment } from './check-experiment.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';

interface Ctx {
  flow: Resource<'Flow'>;
  view: OverlayView;
  diagnostics: Diagnostics;
  /** Field path of resolved step i in the flow's own file (a patch's `with` entry for inserted steps). */
  stepPath: (i: number) => string;
}

function reference(
  ctx: Ctx,
  field: string,
  kind: 'Template' | 'Channel',
  name: string,
  hint: string,
): boolean {
  if (ctx.view.get(kind, name)) return true;
  ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_REFERENCE', [kind, name, hint]);
  return false;
}

function templateOf(ctx: Ctx, field: string, name: string, channelType?: string): void {
  if (!reference(ctx, field, 'Template', name, 'create the Template here or in the base namespace')) return;
  const t = ctx.view.get('Template', name)!;
  if ((t.spec.role ?? 'message') !== 'message') {
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_FLOW_STRUCTURE', [
      `template "${name}" is a ${t.spec.role}, not a message`,
      'name a message template',
    ]);
  } else if (channelType && t.spec.channel !== channelType) {
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_FLOW_STRUCTURE', [
      `template "${name}" is written for ${t.spec.channel}, but the channel is ${channelType}`,
      'use a template of the channel type',
    ]);
  }
}

function cel(ctx: Ctx, field: string, source: string, env: 'precondition' | 'branch'): void {
  const result = compileExpression(source, env);
  if (result instanceof Error)
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_CEL_COMPILE', [result.described, result.hint]);
}

/**
 * Checks one resolved flow: references, expressions, step ids, reachability and loops without a wait.
 * `stepPath` says where resolved step i is written (see merge-flow.ts); by default `spec.steps[i]`.
 */
export function checkFlow(
  flow: Resource<'Flow'>,
  spec: FlowSpec,
  view: OverlayView,
  diagnostics: Diagnostics,
  stepPath: (i: number) => string = (i) => `spec.steps[${i}]`,
): void {
  const ctx: Ctx = { flow, view, diagnostics, stepPath };
  const steps = spec.steps ?? [];
  const ids = new Map<string, number>();
  steps.forEach((s, i) => {
    if (ids.has(s.id)) {
      diagnostics.add(flow, `${stepPath(i)}.id`, 'OST_ERR_FLOW_STRUCTURE', [
        `step id "${s.id}" is used twice`,
        'give every step its own id',
      ]);
    }
    ids.set(s.id, i);
  });
  spec.channels?.fallback?.forEach((c, i) => {
    reference(
      ctx,
      `spec.channels.fallback[${i}]`,
      'Channel',
      c,
      'create the Channel or remove it from the order',
    );
  });
  spec.preconditions?.forEach((p, i) => {
    cel(ctx, `spec.preconditions[${i}].expr`, p.expr, 'precondition');
  });
  const stepRef = (field: string, id: string) => {
    if (!ids.has(id)) {
      diagnostics.add(flow, field, 'OST_ERR_FLOW_STRUCTURE', [
        `there is no step "${id}"`,
        `use one of: ${[...ids.keys()].join(', ')}`,
      ]);
    }
  };
  steps.forEach((s, i) => {
    checkStep(ctx, s, stepPath(i), spec, stepRef);
  });
  spec.reactions?.forEach((r, i) => {
    const field = `spec.reactions[${i}]`;
    if (r.channel) reference(ctx, `${field}.channel`, 'Channel', r.channel, 'create the Channel');
    if (r.template) {
      const type = r.channel ? view.get('Channel', r.channel)?.spec.type : undefined;
      templateOf(ctx, `${field}.template`, r.template, type);
    }
    if (r.step) stepRef(`${field}.step`, r.step);
  });
  checkOnDeceased(ctx, spec);
  const reminder = spec.arrangement?.reminder;
  if (reminder) {
    const field = 'spec.arrangement.reminder';
    if (reminder.channel)
      reference(ctx, `${field}.channel`, 'Channel', reminder.channel, 'create the Channel');
    const type = reminder.channel ? view.get('Channel', reminder.channel)?.spec.type : undefined;
    templateOf(ctx, `${field}.template`, reminder.template, type);
  }
  checkExperiment(flow, spec, view, diagnostics);
  if (diagnostics.has(flow)) return;
  const reactionTargets = (spec.reactions ?? []).flatMap((r) => (r.step ? [r.step] : []));
  checkGraph(ctx, steps, reactionTargets);
  // Costs only after a 14-day letter on every path (art. 6:96 lid 6 BW; core/engine/notice-paths.ts).
  for (const bare of costsWithoutNotice(steps, reactionTargets)) {
    diagnostics.add(flow, `${stepPath(bare.index)}.addCosts`, 'OST_ERR_FLOW_COSTS_WITHOUT_NOTICE', [
      bare.stepId,
      bare.via,
    ]);
  }
}

function checkStep(
  ctx: Ctx,
  s: FlowStep,
  field: string,
  spec: FlowSpec,
  stepRef: (field: string, id: string) => void,
): void {
  if (s.send) {
    const channel = s.send.channel ? ctx.view.get('Channel', s.send.channel) : undefined;
    if (s.send.channel)
      reference(ctx, `${field}.send.channel`, 'Channel', s.send.channel, 'create the Channel');
    if (s.send.template) templateOf(ctx, `${field}.send.template`, s.send.template, channel?.spec.type);
    for (const [type, t] of Object.entries(s.send.templates ?? {})) {
      templateOf(ctx, `${field}.send.templates.${type}`, t, type);
    }
    s.send.alsoVia?.forEach((c, j) => {
      reference(ctx, `${field}.send.alsoVia[${j}]`, 'Channel', c, 'create the Channel');
    });
    if (!s.send.channel && (spec.channels?.fallback ?? []).length === 0) {
      ctx.diagnostics.add(ctx.flow, `${field}.send`, 'OST_ERR_FLOW_STRUCTURE', [
        'this send step names no channel and the flow has no spec.channels.fallback',
        'set send.channel or spec.channels.fallback',
      ]);
    }
  }
  if (s.alert) templateOf(ctx, `${field}.alert.template`, s.alert.template ?? 'consultant-alert', 'email');
  if (s.handOver) handOverTarget(ctx, `${field}.handOver.flow`, s.handOver.flow);
  if (s.branch) {
    s.branch.cases.forEach((c, j) => {
      cel(ctx, `${field}.branch.cases[${j}].when`, c.when, 'branch');
      stepRef(`${field}.branch.cases[${j}].goto`, c.goto);
    });
    if (s.branch.otherwise) stepRef(`${field}.branch.otherwise`, s.branch.otherwise);
  }
}

/** An estate letter goes through a letter Channel with a letter Template (the CRD requires both names). */
function checkOnDeceased(ctx: Ctx, spec: FlowSpec): void {
  const d = spec.onDeceased;
  if (d?.action !== 'estateLetter') return;
  const field = 'spec.onDeceased';
  if (
    d.channel &&
    reference(ctx, `${field}.channel`, 'Channel', d.channel, 'name a Channel of type letter')
  ) {
    const type = ctx.view.get('Channel', d.channel)!.spec.type;
    if (type !== 'letter') {
      ctx.diagnostics.add(ctx.flow, `${field}.channel`, 'OST_ERR_FLOW_STRUCTURE', [
        `channel "${d.channel}" has type ${type}; an estate letter is printed and posted`,
        'name a Channel of type letter',
      ]);
    }
  }
  if (d.template) templateOf(ctx, `${field}.template`, d.template, 'letter');
}

/** A hand-over names another Flow that runs per debtor (its dossier takes the open items). */
function handOverTarget(ctx: Ctx, field: string, name: string): void {
  const target = ctx.view.get('Flow', name);
  if (!target) {
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_REFERENCE', [
      'Flow',
      name,
      'create the Flow or name an existing one',
    ]);
    return;
  }
  if (name === ctx.flow.metadata.name) {
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_FLOW_STRUCTURE', [
      'a flow cannot hand over to itself',
      'name the flow that takes the open items, e.g. rent-arrears',
    ]);
  } else if (target.spec.scope !== 'debtor' && !target.spec.extends) {
    ctx.diagnostics.add(ctx.flow, field, 'OST_ERR_FLOW_STRUCTURE', [
      `flow "${name}" runs per receivable, so there is no dossier to hand over to`,
      `set spec.scope: debtor on flow "${name}"`,
    ]);
  }
}

/** Every step must be reachable, and any loop must pass a wait step (else the case would spin). */
function checkGraph(ctx: Ctx, steps: FlowStep[], reactionTargets: string[]): void {
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const edges = (i: number): number[] => {
    const s = steps[i]!;
    if (s.stop || s.handOver) return [];
    const out: number[] = [];
    if (s.branch) {
      for (const c of s.branch.cases) out.push(index.get(c.goto)!);
      if (s.branch.otherwise) out.push(index.get(s.branch.otherwise)!);
      else if (i + 1 < steps.length) out.push(i + 1);
      return out;
    }
    return i + 1 < steps.length ? [i + 1] : [];
  };
  const reached = new Set<number>();
  const queue = [0, ...reactionTargets.map((id) => index.get(id)!)];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (reached.has(i) || i >= steps.length) continue;
    reached.add(i);
    queue.push(...edges(i));
  }
  steps.forEach((s, i) => {
    if (!reached.has(i)) {
      ctx.diagnostics.add(ctx.flow, ctx.stepPath(i), 'OST_ERR_FLOW_STRUCTURE', [
        `step "${s.id}" can never be reached`,
        'remove it, or let a branch or reaction go to it',
      ]);
    }
  });
  // A stop reached in the same instant as a send or alert ends the case before the message goes out:
  // the runtime delivers nothing for a stopped case (a flow that simply ends completes, and delivers).
  steps.forEach((s, i) => {
    if (!s.send && !s.alert) return;
    const seen = new Set<number>();
    const queue = edges(i);
    while (queue.length > 0) {
      const j = queue.pop()!;
      const next = steps[j];
      if (next === undefined || seen.has(j)) continue;
      seen.add(j);
      if (next.stop || next.handOver) {
        ctx.diagnostics.add(ctx.flow, ctx.stepPath(j), 'OST_ERR_FLOW_STRUCTURE', [
          `step "${next.id}" ${next.stop ? 'stops' : 'hands over'} the case in the same instant step "${s.id}" ${s.send ? 'sends' : 'alerts'}, so that ${s.send ? 'message' : 'alert'} never goes out`,
          'put a wait before the stop, or leave the stop out so the flow ends (completed) after the last step',
        ]);
        return;
      }
      if (next.branch) queue.push(...edges(j));
    }
  });
  // A hand-over reached from the start without a wait would hand over in the very turn that starts the
  // case, before anything reached the debtor: a flow waits (its term) before it hands over.
  const early: number[] = [0];
  const seenEarly = new Set<number>();
  while (early.length > 0) {
    const i = early.pop()!;
    const s = steps[i];
    if (s === undefined || s.wait || seenEarly.has(i)) continue;
    seenEarly.add(i);
    if (s.handOver) {
      ctx.diagnostics.add(ctx.flow, ctx.stepPath(i), 'OST_ERR_FLOW_STRUCTURE', [
        `step "${s.id}" hands over the case as soon as it starts`,
        'put a wait (the term the flow gives the debtor) before the hand-over',
      ]);
      break;
    }
    early.push(...edges(i));
  }
  // A cycle made only of non-wait steps would run forever in one instant.
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, path: number[]): boolean => {
    if (steps[i]?.wait) return false;
    if (state.get(i) === 'visiting') {
      const loop = path.slice(path.indexOf(i)).map((j) => steps[j]!.id);
      ctx.diagnostics.add(ctx.flow, ctx.stepPath(i), 'OST_ERR_FLOW_STRUCTURE', [
        `steps ${[...loop, steps[i]!.id].join(' -> ')} form a loop without a wait`,
        'add a wait step inside the loop or end it with a stop',
      ]);
      return true;
    }
    if (state.get(i) === 'done') return false;
    state.set(i, 'visiting');
    for (const j of edges(i)) if (visit(j, [...path, i])) return true;
    state.set(i, 'done');
    return false;
  };
  for (let i = 0; i < steps.length; i++) if (visit(i, [])) break;
}
