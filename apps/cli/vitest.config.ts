import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'gocontainer',
    include: ['src/**/*.test.ts'],
  },
});
