import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node20',
  clean: true,
  sourcemap: true,
  minify: true,
  // One file to load at start-up: `gocontainer run` is timed against `node -e 0`.
  // @gc/native stays external: it finds its binaries next to its own files.
  noExternal: [/^@gc\/(?!native)/, 'commander'],
  external: ['koffi'],
  // commander is CommonJS: its require() calls need a real require in the bundle.
  banner: {
    js: "import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);",
  },
});
