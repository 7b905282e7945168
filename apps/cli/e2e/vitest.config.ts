import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['*.e2e.test.ts'],
    globalSetup: ['./global-setup.ts'],
    // Engines start in beforeAll; each start has its own, shorter, timeout.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
