import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/image',
    include: ['src/**/*.test.ts'],
  },
});
