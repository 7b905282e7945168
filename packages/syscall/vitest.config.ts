import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/syscall',
    include: ['src/**/*.test.ts'],
  },
});
