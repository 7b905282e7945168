import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/runtime',
    include: ['src/**/*.test.ts'],
  },
});
