import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'apps/cli/e2e/vitest.config.ts'],
    // Integration tests share the host's namespaces, mounts and cgroups.
    fileParallelism: false,
    testTimeout: 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
