import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GcError } from '@gc/syscall';
import { fsError } from './fs-error.js';
import type { Spec } from './spec.js';
import { validateSpec } from './validate-spec.js';

/** An OCI bundle, read: its absolute path and its validated config.json with `root.path` made absolute. */
export interface Bundle {
  readonly path: string;
  readonly spec: Spec;
}

/** Read and validate `BUNDLE/config.json`; errors name the file, or the config's field (SpecError). */
export function readBundle(bundle: string): Bundle {
  const path = resolve(bundle);
  const file = join(path, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fsError(`read the bundle's config ${file}`, e, 'EBUNDLE');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GcError('EBUNDLE', `read the bundle's config ${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const spec = validateSpec(json);
  const root = isAbsolute(spec.root.path) ? spec.root.path : join(path, spec.root.path);
  return { path, spec: { ...spec, root: { ...spec.root, path: root } } };
}
