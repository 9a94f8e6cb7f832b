import { defineConfig } from 'vitest/config';

// Three suites: `unit` (pure code, no services), `integration` (real PostgreSQL, NATS JetStream, SMTP…)
// and `flows` (the YAML flow tests next to flows/ and examples/). `npm test` runs all of them.
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
            'tests/unit/**/*.test.ts',
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
    ],
  },
});
