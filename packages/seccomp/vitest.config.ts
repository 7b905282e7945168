import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/seccomp',
    include: ['src/**/*.test.ts'],
  },
});
