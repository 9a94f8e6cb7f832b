// The runtime's Prometheus metric definitions.
// The stage's public face: other folders import from here, never from its files.
export { createRuntimeMetrics, type RuntimeMetrics } from './runtime-metrics.js';
