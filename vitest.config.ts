import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 * - unit: every `*.spec.ts` beside the code, no outside servers, in-process.
 * - processes: every `*.process.spec.ts`: specs that start the project's own
 *   apps as child processes (a fleet on one machine, a crash, a drain), so
 *   they are slower and can be run or left out on their own
 *   (`vitest run --project processes`).
 * - integration: every `*.int.spec.ts`; its global setup resolves real Kafka,
 *   Cassandra, Elasticsearch, etcd and S3 (SeaweedFS) endpoints (environment, testcontainers,
 *   or the local servers of scripts/infra) and fails loudly when it cannot.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/**/src/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/*.process.spec.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'processes',
          include: ['{apps,libs}/**/src/**/*.process.spec.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
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
