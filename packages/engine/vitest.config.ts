import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/engine',
    include: ['src/**/*.test.ts'],
  },
});
