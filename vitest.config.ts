import { defineConfig } from 'vitest/config';

// Every test runs twice: once on SQLite, once on a real PostgreSQL server (see tests/support).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        // Browser tests (tests/e2e) run here only: what they check does not depend on the dialect.
        // Several instances over one database (tests/integration/instances) is PostgreSQL's alone.
        test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ['tests/integration/instances/**'], env: { FLYWHEEL_TEST_DIALECT: 'sqlite' } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['tests/integration/**/*.test.ts', 'tests/property/**/*.test.ts'],
          // Pragmas of the embedded database: there is nothing to check on PostgreSQL.
          exclude: ['tests/integration/sqlite-connection.test.ts', 'tests/integration/reads-during-writes.test.ts'],
          env: { FLYWHEEL_TEST_DIALECT: 'postgres' },
          globalSetup: ['tests/support/global-postgres.ts'],
        },
      },
    ],
  },
});
