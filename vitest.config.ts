import { defineConfig } from 'vitest/config';

// Tiers run by one vitest run (scripts/run-tests.mjs):
// - unit: beside the code, no servers (ptys and espeak-ng allowed: they are local parts);
// - integration on embedded PGlite and on a real PostgreSQL server (KEFU_TEST_DB picks);
// - e2e: the console in a real browser; asterisk: the multi-seat backend on a real Asterisk.
// On PGlite one project holds both folders; on PostgreSQL test/security is a project of its own
// (security-postgres), so that scripts/run-tests.mjs can run it in the lane without the lab.
const integration = (db: 'pglite' | 'postgres', name: string, folders: string[]) => ({
  test: {
    name,
    include: folders.map((f) => `test/${f}/**/*.test.ts`),
    env: { KEFU_TEST_DB: db },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'drivers/**/*.test.ts', 'scripts/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      integration('pglite', 'integration-pglite', ['integration', 'security']),
      integration('postgres', 'integration-postgres', ['integration']),
      integration('postgres', 'security-postgres', ['security']),
      {
        // The web console in Debian's Chromium (playwright-core) against the daemon with the demo line.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env: { KEFU_TEST_DB: 'pglite' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The multi-seat backend against a real Asterisk 22 (scripts/asterisk-lab), once, on the server database.
        test: {
          name: 'asterisk',
          include: ['test/asterisk/**/*.test.ts'],
          env: { KEFU_TEST_DB: 'postgres' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Issue 14's HA harness (test/ha/scenario.ts): two daemons, the lab's pbx, a PostgreSQL server of its own, kill tests.
        test: {
          name: 'ha',
          include: ['test/ha/**/*.test.ts'],
          env: { KEFU_TEST_DB: 'postgres' },
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
