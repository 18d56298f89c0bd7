import { configDefaults, defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // CI reads the JSON report for its `N passed, N failed` line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'server',
          root: '.',
          include: ['test/server/**/*.test.ts', 'test/shared/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The server tests again, with every database (and every spawned `herald`) opened through @libsql/client:
        // the code a libSQL server (`libsql://`) is reached with, which no test could reach otherwise (no sqld here).
        test: {
          name: 'server-libsql',
          root: '.',
          include: ['test/server/**/*.test.ts'],
          exclude: [
            ...configDefaults.exclude,
            // Herald's own file client and the background I/O only it does: never used with @libsql/client
            'test/server/db/local-client.test.ts',
            'test/server/db/background-io.test.ts',
            // another process's lock on a file: @libsql/client waits for it inside SQLite, on the event loop (a libSQL
            // server has no file lock to wait on); Herald's own client waits on a timer, which this test pins
            'test/server/db/other-process.test.ts',
            // runs each case through both clients already
            'test/server/db/client-contract*.test.ts',
            // open no database, so a second run would test nothing new
            'test/server/config.test.ts',
            'test/server/listen.test.ts',
            'test/server/db/file-url.test.ts',
            'test/server/notifications/notification-id.test.ts',
            'test/server/dispatch/app-versions.test.ts',
            'test/server/dispatch/providers/*.test.ts',
          ],
          env: { HERALD_DB_CLIENT: 'libsql' },
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Components and background handlers against WXT's fake browser (reset before each test).
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          root: '.',
          include: ['test/extension/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/extension/setup.ts'],
        },
      },
      {
        // The built extension in real Chromium and Firefox ESR against a real Herald server (needs the `wxt build`s `npm test` runs first: production, `--mode e2e` and Firefox).
        test: {
          name: 'e2e',
          root: '.',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
