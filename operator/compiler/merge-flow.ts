// A Flow with `extends` starts from its base flow: fields it sets replace the base's, and its patches
// change the base's steps by id (replace, remove, insert before or after).

import type { Resource } from '../../core/resources/kinds.js';
import type { FlowPatch, FlowSpec, FlowStep } from '../../core/resources/types.generated.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';

const MAX_EXTENDS_DEPTH = 5;

export function resolveFlowSpec(
  flow: Resource<'Flow'>,
  view: OverlayView,
  findBase: (namespace: string, name: string) => Resource<'Flow'> | undefined,
  diagnostics: Diagnostics,
  depth = 0,
): FlowSpec | undefined {
  const spec = flow.spec;
  if (!spec.extends) return spec;
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
  const baseSpec = resolveFlowSpec(base, view, findBase, diagnostics, depth + 1);
  if (!baseSpec) return undefined;
  const { extends: _extends, patches, ...own } = spec;
  const merged: FlowSpec = { ...baseSpec, ...own };
  delete merged.extends;
  delete merged.patches;
  if (!own.steps)
    merged.steps = applyPatches(flow, baseSpec.steps ?? [], patches ?? [], base.metadata.name, diagnostics);
  return merged;
}

function applyPatches(
  flow: Resource<'Flow'>,
  baseSteps: FlowStep[],
  patches: FlowPatch[],
  baseName: string,
  diagnostics: Diagnostics,
): FlowStep[] {
  const steps = [...baseSteps];
  patches.forEach((patch, i) => {
    const at = steps.findIndex((s) => s.id === patch.step);
    if (at < 0) {
      diagnostics.add(flow, `spec.patches[${i}].step`, 'OST_ERR_FLOW_PATCH', [
        `spec.patches[${i}] (${patch.op})`,
        patch.step,
        baseName,
      ]);
      return;
    }
    const replacement = patch.with ?? [];
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
