import type { NamespaceSpec } from '@gc/namespaces';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, defaultMounts, type Mount } from '@gc/rootfs';

/** Docker's PATH for a container whose image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type NetworkMode = 'none' | 'host';

/** The namespaces `docker run` gives a container (with `--network none|host`). */
export function dockerNamespaces(network: NetworkMode): NamespaceSpec[] {
  const types: NamespaceSpec['type'][] = ['pid', 'ipc', 'uts', 'mount', 'cgroup'];
  if (network === 'none') types.push('network');
  return types.map((type) => ({ type }));
}

/** Docker's default mounts, masked paths and read-only paths. */
export function dockerFilesystem(): { mounts: Mount[]; maskedPaths: string[]; readonlyPaths: string[] } {
  return {
    mounts: defaultMounts(),
    maskedPaths: [...DEFAULT_MASKED_PATHS],
    readonlyPaths: [...DEFAULT_READONLY_PATHS],
  };
}
