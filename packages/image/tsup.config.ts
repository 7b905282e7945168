import { defineConfig } from 'tsup';

export default defineConfig({
  // store-entry: @gc/image/store, the store without the registry, archive and unpack code.
  // registry-entry: @gc/image/registry, pulls and logins with the store, without the archive code.
  entry: ['src/index.ts', 'src/store-entry.ts', 'src/registry-entry.ts'],
  format: ['esm'],
  target: 'node20',
  // tsc --build owns the composite project; the bundled .d.ts needs none of it.
  dts: { compilerOptions: { composite: false, incremental: false } },
  clean: true,
  sourcemap: true,
});
