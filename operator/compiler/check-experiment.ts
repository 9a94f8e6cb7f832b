// A Flow's experiment: its variant flows exist (in this namespace or the base)
// and do not run an experiment of their own, and at least one variant has weight. (The schema keeps the
// holdout below 100%.)
import type { Resource } from '../../core/resources/kinds.js';
import type { FlowSpec } from '../../core/resources/types.generated.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';

export function checkExperiment(
  flow: Resource<'Flow'>,
  spec: FlowSpec,
  view: OverlayView,
  diagnostics: Diagnostics,
) {
  const experiment = spec.experiment;
  if (!experiment) return;
  if (experiment.variants.every((v) => (v.weight ?? 1) === 0)) {
    diagnostics.add(flow, 'spec.experiment.variants', 'OST_ERR_FLOW_STRUCTURE', [
      'every variant has weight 0',
      'give at least one variant a weight above 0',
    ]);
  }
  experiment.variants.forEach((v, i) => {
    if (!v.flow || v.flow === flow.metadata.name) return;
    const field = `spec.experiment.variants[${i}].flow`;
    const target = view.get('Flow', v.flow);
    if (!target) {
      diagnostics.add(flow, field, 'OST_ERR_REFERENCE', [
        'Flow',
        v.flow,
        'create the variant Flow (it may extend this flow and patch its steps) or leave flow unset',
      ]);
    } else if (target.spec.experiment) {
      diagnostics.add(flow, field, 'OST_ERR_FLOW_STRUCTURE', [
        `variant flow "${v.flow}" declares an experiment of its own`,
        'run one experiment per flow: remove spec.experiment from the variant flow',
      ]);
    }
  });
}
