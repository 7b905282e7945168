import { join } from 'node:path';
import type { Spec } from '@gc/runtime';
import { GcError } from '@gc/syscall';
import type { EtcFilesOptions } from '../spec/docker-etc-files.js';
import { ENGINE_BAD_RECORD } from '../store/errors.js';
import { readJsonFile, writeFileAtomic } from '../store/json-file.js';

/**
 * `start.json` in the container's directory: what each start of a detached
 * container needs that the record does not say, decided once by `run -d`
 * (the OCI spec and the runtime's options) and replayed by the starter
 * (`__start-container`), so that a restart runs the very same container.
 */
export interface StartFile {
  readonly spec: Spec;
  /** gc-init as PID 1 (`--init`). */
  readonly init: boolean;
  readonly cgroupParent?: string;
  /**
   * A root on an overlay: of the image's layers (top-most first), or of the
   * host's root (`['/']`, with `hidden` the paths it must not show); its
   * upper and work directories are the container's (`upper/`, `work/`),
   * kept across restarts.
   */
  readonly overlay?: { readonly lower: readonly string[]; readonly hidden?: readonly string[] };
  /** What the container's /etc/hosts, /etc/hostname and /etc/resolv.conf are made from, at each start. */
  readonly etcFiles: EtcFilesOptions;
}

const START = 'start.json';

export function writeStartFile(dir: string, file: StartFile): void {
  writeFileAtomic(join(dir, START), `${JSON.stringify(file)}\n`);
}

export function readStartFile(dir: string): StartFile {
  const path = join(dir, START);
  const file = readJsonFile<StartFile>(path);
  if (file === undefined) throw new GcError(ENGINE_BAD_RECORD, `${path}: cannot be read: it does not exist`);
  return file;
}

/** start.json when the container has one (made by `run -d`); undefined when it has none. */
export function tryReadStartFile(dir: string): StartFile | undefined {
  return readJsonFile<StartFile>(join(dir, START));
}
