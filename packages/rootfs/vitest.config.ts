import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@gc/rootfs',
    include: ['src/**/*.test.ts'],
  },
});
