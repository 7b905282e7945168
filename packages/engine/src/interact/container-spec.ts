import { join } from 'node:path';
import type { Spec } from '@gc/runtime';
import { readJsonFile, writeFileAtomic } from '../store/json-file.js';

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
  writeFileAtomic(containerSpecPath(containerDir), `${JSON.stringify(spec)}\n`);
}

/** The spec, or undefined when the container was never started by a starter that writes one. */
export function readContainerSpec(containerDir: string): Spec | undefined {
  return readJsonFile<Spec>(containerSpecPath(containerDir));
}
