export { type MetricsServer, startMetricsServer } from '../../platform/metrics-server.js';
export { type BaseLibrarySource, baseLibraryFromEnv } from './base-library.js';
export { BUNDLE_FINALIZER, Controller, type ControllerTimings, DEFAULT_TIMINGS } from './controller.js';
export { parseFlagDuration } from './duration-flag.js';
export { KubeApiError, KubeClient } from './kube-client.js';
export { inClusterNamespace, type KubeConnection, loadKubeConnection } from './kube-config.js';
export { checkLeaderTimings, DEFAULT_LEADER_TIMINGS, type LeaderElectionTimings } from './leader-election.js';
export { Operator, type OperatorOptions } from './operator.js';
export { createOperatorMetrics, type OperatorMetrics } from './operator-metrics.js';
