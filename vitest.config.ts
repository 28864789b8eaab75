import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - unit: every `*.spec.ts` beside the code, no outside servers.
 * - integration: every `*.int.spec.ts`; its global setup resolves real Kafka,
 *   Cassandra, Elasticsearch and etcd endpoints (environment, testcontainers,
 *   or the local servers of scripts/infra) and fails loudly when it cannot.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/**/src/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,libs}/**/src/**/*.int.spec.ts', 'tests/**/*.int.spec.ts'],
          globalSetup: ['libs/platform/testing/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
