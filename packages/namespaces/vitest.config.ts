import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/namespaces',
    include: ['src/**/*.test.ts'],
  },
});
