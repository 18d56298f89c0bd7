import { defineConfig } from 'vitest/config';
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
        // The built extension in real Chromium and Firefox ESR against a real Herald server (needs both `wxt build`s first, as `npm test` does).
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
