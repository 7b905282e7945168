import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/** The commit `gocontainer --version` names (dockerd reads it): "unknown" outside a git checkout. */
function gitCommit(): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: new URL('.', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : 'unknown';
  } catch {
    return 'unknown';
  }
}

export default defineConfig({
  entry: ['src/main.ts'],
  // CommonJS: Node 20 starts a CommonJS entry ~10 ms sooner than an ES module,
  // and bin/load-main.cjs can give it a V8 code cache.
  format: ['cjs'],
  // import.meta.url in CommonJS (@gc/syscall loads node:net lazily through createRequire).
  shims: true,
  target: 'node20',
  clean: true,
  sourcemap: true,
  minify: true,
  // One file to load at start-up: `gocontainer run` is timed against `node -e 0`.
  // @gc/native stays external: it finds its binaries next to its own files.
  noExternal: [/^@gc\/(?!native)/],
  external: ['koffi', '@gc/native'],
  define: {
    __GC_VERSION__: JSON.stringify(version),
    __GC_COMMIT__: JSON.stringify(gitCommit()),
    __GC_BUILD_ID__: JSON.stringify(`${version}-${Date.now().toString(36)}`),
  },
});
