import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, inject } from 'vitest';
import { logTail } from './daemon.js';

/** What the global setup hands every e2e test file. */
export interface E2eContext {
  /** The run's temp dir: every engine's state is under it. */
  readonly base: string;
  /** The run's top-level cgroup (in every hierarchy): every container is under it. */
  readonly cgroup: string;
  /** The OCI runtime under test (`GC_E2E_RUNTIME`, default: this checkout's gocontainer). */
  readonly runtime: string;
  /** The busybox and pause images, built once per run. */
  readonly images: { readonly dir: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

/** The images the tests run; built by bin/build-images.sh, no registry involved. */
export const IMAGE = 'localhost/gc-e2e-busybox:1';
export const PAUSE_IMAGE = 'localhost/gc-e2e-pause:1';

export const BIN = fileURLToPath(new URL('../bin/', import.meta.url));

/** The engines need root on Linux; elsewhere the e2e tests are skipped with that reason. */
export const canRunE2e = process.platform === 'linux' && process.getuid?.() === 0;

export function e2e(): E2eContext {
  return inject('e2e');
}

/** A fresh dir for one engine, and its cgroup parent (relative to the cgroup root). */
export function engineDir(name: string): { dir: string; cgroup: string } {
  const ctx = e2e();
  if (!canRunE2e) return { dir: '', cgroup: '' };
  return { dir: mkdtempSync(join(ctx.base, `${name}-`)), cgroup: `${ctx.cgroup}/${name}` };
}

/** Remove all an engine left, whatever state it is in (bin/sweep.sh). */
export function sweep(dir: string, cgroup: string): void {
  execFileSync(join(BIN, 'sweep.sh'), [dir, cgroup], { stdio: 'inherit' });
}

/**
 * When a test fails, print what explains it: the tail of each daemon's log and
 * the runtime's own error logs (`--log` files: log.json for containerd's shim,
 * oci-log for conmon) under `dir`.
 */
export function explainFailures(dir: string): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      for (const file of logs(dir)) process.stdout.write(`--- ${file}:\n${logTail(file, 30)}\n`);
    });
  });
}

function logs(dir: string): string[] {
  const daemons = ['-path', `${dir}/*.log`, '!', '-path', `${dir}/*/*`];
  const runtime = ['-name', 'log.json', '-o', '-name', 'oci-log'];
  try {
    return execFileSync('find', [dir, '-size', '+0', '(', '(', ...daemons, ')', '-o', ...runtime, ')'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}
