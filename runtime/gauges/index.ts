// Gauges: sampled counts of the whole street (open cases, due steps, consumer lag).
// The stage's public face: other folders import from here, never from its files.
export { MetricsSampler } from './gauge-sampler.js';
export { OUTCOME_METRIC_DAYS, OutcomeSampler } from './outcome-sampler.js';
