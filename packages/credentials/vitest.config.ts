import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/credentials',
    include: ['src/**/*.test.ts'],
  },
});
