import { join } from 'node:path';
import type { EtcFilesOptions } from '@gc/engine';
import type { Spec } from '@gc/runtime';

/**
 * The mounts `writeDockerEtcFiles` returns for a run directory, without
 * writing the files: `explain` makes nothing. (etc-mounts.test.ts holds the
 * two to the same mounts.)
 */
export function etcFileMounts(dir: string, options: EtcFilesOptions): NonNullable<Spec['mounts']> {
  return ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']
    .filter((destination) => !options.mountedByUser?.includes(destination))
    .map((destination) => ({
      destination,
      type: 'bind',
      source: join(dir, destination.slice('/etc/'.length)),
      options: ['rbind', 'rprivate', ...(options.readonly ? ['ro'] : [])],
    }));
}
