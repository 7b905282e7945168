import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/spec-entry.ts', 'src/testing.ts'],
  format: ['esm'],
  target: 'node20',
  // tsc --build owns the composite project; the bundled .d.ts needs none of it.
  dts: { compilerOptions: { composite: false, incremental: false } },
  clean: true,
  sourcemap: true,
});
