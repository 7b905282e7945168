import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/capabilities',
    include: ['src/**/*.test.ts'],
  },
});
