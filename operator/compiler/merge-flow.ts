// A Flow with `extends` starts from its base flow: fields it sets replace the base's, and its patches
// change the base's steps by id (replace, remove, insert before or after). Each resolved step keeps the
// field path it was written at in the flow's own file, so an error in a step a patch inserted points at
// that patch (`spec.patches[1].with[0]`), not at a `spec.steps[4]` the file does not have.

import type { Resource } from '../../core/resources/kinds.js';
import type { FlowPatch, FlowSpec, FlowStep } from '../../core/resources/types.generated.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';

const MAX_EXTENDS_DEPTH = 5;

export interface ResolvedFlow {
  spec: FlowSpec;
  /**
   * For each resolved step, its field path in this flow's file: `spec.steps[i]` for steps the flow
   * writes itself (and, in a flow that extends, for steps inherited from the base, by resolved index),
   * `spec.patches[p].with[j]` for steps a patch put in.
   */
  stepPaths: string[];
}

type FindBase = (namespace: string, name: string) => Resource<'Flow'> | undefined;

const ownPaths = (steps: readonly FlowStep[] | undefined) => (steps ?? []).map((_, i) => `spec.steps[${i}]`);

export function resolveFlow(
  flow: Resource<'Flow'>,
  view: OverlayView,
  findBase: FindBase,
  diagnostics: Diagnostics,
  depth = 0,
): ResolvedFlow | undefined {
  const spec = flow.spec;
  if (!spec.extends) return { spec, stepPaths: ownPaths(spec.steps) };
  if (depth >= MAX_EXTENDS_DEPTH) {
    diagnostics.add(flow, 'spec.extends', 'OST_ERR_FLOW_STRUCTURE', [
      `extends goes deeper than ${MAX_EXTENDS_DEPTH} flows (or loops)`,
      'extend the base flow directly',
    ]);
    return undefined;
  }
  const baseNamespace = spec.extends.namespace ?? view.base ?? flow.metadata.namespace;
  const sameName = spec.extends.name === flow.metadata.name && baseNamespace === flow.metadata.namespace;
  const base = sameName ? undefined : findBase(baseNamespace, spec.extends.name);
  if (!base) {
    diagnostics.add(flow, 'spec.extends.name', 'OST_ERR_REFERENCE', [
      'Flow',
      `${baseNamespace}/${spec.extends.name}`,
      'name a Flow in the base namespace, or set extends.namespace',
    ]);
    return undefined;
  }
  const baseSpec = resolveFlow(base, view, findBase, diagnostics, depth + 1)?.spec;
  if (!baseSpec) return undefined;
  const { extends: _extends, patches, ...own } = spec;
  const merged: FlowSpec = { ...baseSpec, ...own };
  delete merged.extends;
  delete merged.patches;
  // An experiment belongs to the flow that declares it: a variant extending it does not run it again.
  if (!own.experiment) delete merged.experiment;
  if (own.steps) return { spec: merged, stepPaths: ownPaths(own.steps) };
  const patched = applyPatches(flow, baseSpec.steps ?? [], patches ?? [], base.metadata.name, diagnostics);
  merged.steps = patched.map((p) => p.step);
  return {
    spec: merged,
    stepPaths: patched.map((p, i) => p.path ?? `spec.steps[${i}]`),
  };
}

/** A resolved step and, when a patch of this flow put it in, where that patch wrote it. */
interface PatchedStep {
  step: FlowStep;
  path?: string;
}

function applyPatches(
  flow: Resource<'Flow'>,
  baseSteps: FlowStep[],
  patches: FlowPatch[],
  baseName: string,
  diagnostics: Diagnostics,
): PatchedStep[] {
  const steps: PatchedStep[] = baseSteps.map((step) => ({ step }));
  patches.forEach((patch, i) => {
    const at = steps.findIndex((s) => s.step.id === patch.step);
    if (at < 0) {
      diagnostics.add(flow, `spec.patches[${i}].step`, 'OST_ERR_FLOW_PATCH', [
        `spec.patches[${i}] (${patch.op})`,
        patch.step,
        baseName,
      ]);
      return;
    }
    const replacement = (patch.with ?? []).map((step, j) => ({
      step,
      path: `spec.patches[${i}].with[${j}]`,
    }));
    switch (patch.op) {
      case 'replace':
        steps.splice(at, 1, ...replacement);
        break;
      case 'remove':
        steps.splice(at, 1);
        break;
      case 'insertBefore':
        steps.splice(at, 0, ...replacement);
        break;
      case 'insertAfter':
        steps.splice(at + 1, 0, ...replacement);
        break;
    }
  });
  return steps;
}
