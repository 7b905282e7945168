import { readFileSync } from 'node:fs';
import { defineProject } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineProject({
  // SECCOMP_VERSION (src/version.ts), as tsup.config.ts defines it.
  define: { __GC_SECCOMP_VERSION__: JSON.stringify(version) },
  test: {
    name: '@gc/seccomp',
    include: ['src/**/*.test.ts'],
  },
});
