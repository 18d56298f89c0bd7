import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
    ],
  },
});
