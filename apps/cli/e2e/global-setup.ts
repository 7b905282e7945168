import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { canRunE2e, type E2eContext } from './support/context.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** podman and skopeo (as root) keep this cache whatever their other paths say. */
const BLOB_CACHE = '/var/lib/containers/cache/blob-info-cache-v1.boltdb';

/** The runtime under test: `GC_E2E_RUNTIME`, or this checkout's `gocontainer`. */
function runtimeUnderTest(): string {
  const path = resolve(process.env.GC_E2E_RUNTIME || join(here, '../bin/gocontainer.cjs'));
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`GC_E2E_RUNTIME: ${path} is not an executable file`);
  }
  return path;
}

/** Once per run: the runtime, a temp dir for every engine's state, the images. */
export default function setup(project: TestProject): () => void {
  if (!canRunE2e) {
    project.provide('e2e', {
      base: '',
      cgroup: '',
      runtime: process.env.GC_E2E_RUNTIME ?? 'gocontainer',
      images: { dir: '' },
    });
    return () => {};
  }
  const runtime = runtimeUnderTest();
  const hadBlobCache = existsSync(BLOB_CACHE);
  const base = mkdtempSync('/tmp/gc-e2e-');
  const cgroup = basename(base);
  let done = false;
  const teardown = () => {
    if (done) return;
    done = true;
    execFileSync(join(here, 'bin/sweep.sh'), [base, cgroup], { stdio: 'inherit' });
    if (!hadBlobCache) {
      rmSync(BLOB_CACHE, { force: true });
      for (const dir of ['/var/lib/containers/cache', '/var/lib/containers']) {
        try {
          rmdirSync(dir);
        } catch {
          // not empty: someone else's
        }
      }
    }
  };
  // A run that is interrupted (Ctrl-C, CI's timeout) cleans up too.
  process.once('exit', teardown);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      teardown();
      process.exit(128 + osConstants.signals[signal]);
    });
  }
  try {
    const version = execFileSync(runtime, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    process.stdout.write(`e2e: runtime ${runtime} (${version}); state under ${base}\n`);
    const images = join(base, 'images');
    mkdirSync(images);
    const started = Date.now();
    execFileSync(join(here, '../../../scripts/test-images/build-images.sh'), [images], { stdio: 'inherit' });
    process.stdout.write(`e2e: images built in ${Date.now() - started} ms\n`);
    const ctx: E2eContext = { base, cgroup, runtime, images: { dir: images } };
    project.provide('e2e', ctx);
  } catch (err) {
    teardown();
    throw err;
  }
  return teardown;
}
