import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/cgroups',
    include: ['src/**/*.test.ts'],
  },
});
