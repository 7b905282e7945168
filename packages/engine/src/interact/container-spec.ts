import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '@gc/runtime';
import { GcError } from '@gc/syscall';
import { ENGINE_BAD_RECORD } from '../store/errors.js';

/**
 * The OCI spec an engine container was last started with, beside its record
 * (`<container dir>/config.json`): its starter writes it at each start,
 * because `exec` has to join what the container runs with (namespaces,
 * capabilities, seccomp profile, rlimits), and those came from flags and an
 * image config that may have changed since.
 */
export const CONTAINER_SPEC_FILE = 'config.json';

export function containerSpecPath(containerDir: string): string {
  return join(containerDir, CONTAINER_SPEC_FILE);
}

/** Write the spec (temp + rename: a reader never sees half of one). */
export function writeContainerSpec(containerDir: string, spec: Spec): void {
  const path = containerSpecPath(containerDir);
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(spec)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** The spec, or undefined when the container was never started by a starter that writes one. */
export function readContainerSpec(containerDir: string): Spec | undefined {
  const path = containerSpecPath(containerDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as Spec;
  } catch (e) {
    throw new GcError(ENGINE_BAD_RECORD, `${path}: not JSON: ${(e as Error).message}`, { cause: e });
  }
}
