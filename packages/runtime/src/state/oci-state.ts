import type { ContainerRecord } from './record.js';
import type { ContainerStatus } from './status.js';

/** The runtime spec's version this runtime implements, which its state reports. */
export const OCI_VERSION = '1.2.0';

/**
 * The state of a container as the runtime spec defines it (state-schema.json):
 * what `gocontainer state` prints and hooks read on stdin.
 */
export interface OciState {
  readonly ociVersion: string;
  readonly id: string;
  readonly status: ContainerStatus;
  /** The init's pid, while it runs (the spec requires it when created or running). */
  readonly pid?: number;
  readonly bundle: string;
  /** The spec's annotations; left out when there are none, as runc does. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export function ociState(record: ContainerRecord, status: ContainerStatus): OciState {
  return {
    ociVersion: OCI_VERSION,
    id: record.id,
    status,
    ...(status !== 'stopped' && record.init ? { pid: record.init.pid } : {}),
    bundle: record.bundle,
    ...(Object.keys(record.annotations).length > 0 ? { annotations: record.annotations } : {}),
  };
}
