import { defineConfig } from 'vitest/config';

// Suites: `unit` (pure code, no services), `integration` (real PostgreSQL, NATS JetStream, SMTP…),
// `browser` (debtor pages in headless Chromium), `kubernetes` (the operator, RBAC and the Helm chart
// against a real kube-apiserver + etcd), `monitoring` (dashboards and alert rules against a real
// Prometheus) and `flows` (the YAML flow tests next to flows/, examples/ and docs/tutorial/, run by the CLI).
// `npm test` runs all of them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'core/**/*.test.ts',
            'operator/**/*.test.ts',
            'runtime/**/*.test.ts',
            'platform/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'kubernetes',
          include: ['tests/k8s/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // After the other suites, not beside them: it measures latencies (an edit live within 2 s,
          // a leader failover) that a 2-core machine running every suite at once would blur.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'monitoring',
          include: ['tests/monitoring/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
