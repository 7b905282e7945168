import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  // tsc --build owns the composite project; the bundled .d.ts needs none of it.
  dts: { compilerOptions: { composite: false, incremental: false } },
  clean: true,
  sourcemap: true,
  // SECCOMP_VERSION (src/version.ts): part of every filter cache key.
  define: { __GC_SECCOMP_VERSION__: JSON.stringify(version) },
});
