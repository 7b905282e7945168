import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

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

const define = {
  __GC_VERSION__: JSON.stringify(version),
  __GC_COMMIT__: JSON.stringify(gitCommit()),
  __GC_BUILD_ID__: JSON.stringify(`${version}-${Date.now().toString(36)}`),
  // @gc/seccomp's, for the entries built from the packages' sources.
  __GC_SECCOMP_VERSION__: JSON.stringify(
    (
      JSON.parse(readFileSync(new URL('../../packages/seccomp/package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version,
  ),
};

/**
 * `@gc/NAME` from packages/NAME/src rather than its one-file dist: esbuild
 * then sees each module, and (the packages are `sideEffects: false`) leaves
 * out every one a command does not import, where a dist file would be
 * evaluated whole. A subpath (`@gc/image/store`) is the source of the dist
 * file its package.json exports it as (`./dist/store-entry.js` from
 * `src/store-entry.ts`).
 */
const fromSources: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'gc-from-sources',
  setup(build) {
    build.onResolve({ filter: /^@gc\/[a-z-]+(\/[a-z-]+)?$/ }, (args) => {
      const [, name, subpath] = /^@gc\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(args.path) as RegExpExecArray;
      if (name === 'native') return undefined;
      const packageDir = new URL(`../../packages/${name}/`, import.meta.url);
      let source = 'src/index.ts';
      if (subpath !== undefined) {
        const { exports } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
          exports?: Record<string, { import?: string }>;
        };
        const target = exports?.[`./${subpath}`]?.import;
        if (target === undefined) return undefined;
        source = target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      }
      const file = fileURLToPath(new URL(source, packageDir));
      return existsSync(file) ? { path: file } : undefined;
    });
  },
};

const common: Options = {
  format: ['cjs'],
  // import.meta.url in CommonJS (@gc/syscall loads node:net lazily through createRequire).
  shims: true,
  target: 'node20',
  sourcemap: true,
  minify: true,
  noExternal: [/^@gc\/(?!native)/],
  external: ['koffi', '@gc/native'],
  define,
};

export default defineConfig([
  {
    ...common,
    // CommonJS: Node 20 starts a CommonJS entry ~10 ms sooner than an ES module,
    // and bin/load-main.cjs can give it a V8 code cache.
    // One file to load at start-up: `gocontainer run` is timed against `node -e 0`.
    // @gc/native stays external: it finds its binaries next to its own files.
    entry: { main: 'src/main.ts' },
    clean: ['main.cjs*'],
  },
  {
    ...common,
    // start, state, kill, delete: what an engine calls for every container,
    // each timed against `node -e 0` (bench/lifecycle); built from the
    // packages' sources so that it holds only what these commands run.
    entry: { lifecycle: 'src/lifecycle-main.ts' },
    clean: ['lifecycle.cjs*'],
    esbuildPlugins: [fromSources],
  },
  {
    ...common,
    // runc's create: an engine's for every container, timed against `node -e 0`
    // (bench/lifecycle); from the packages' sources, as lifecycle, so that it
    // holds only what `create` runs.
    entry: { create: 'src/create-main.ts' },
    clean: ['create.cjs*'],
    esbuildPlugins: [fromSources],
  },
  {
    ...common,
    // run, Docker's and runc's: timed against `node -e 0` (bench/run) and
    // `podman run` (bench/image/run); from the packages' sources, as
    // lifecycle, so that it holds only what `run` runs, and `run IMAGE`
    // evaluates no registry or archive code unless it pulls.
    entry: { run: 'src/run-main.ts' },
    clean: ['run.cjs*'],
    esbuildPlugins: [fromSources],
  },
]);
