import { posix } from 'node:path';
import { CgroupError } from './errors.js';

/** Where relative cgroup paths go when no parent is given. */
export const DEFAULT_CGROUP_PARENT = '/gocontainer';

export interface CgroupPathOptions {
  /** OCI `linux.cgroupsPath`: absolute (from the hierarchy root) or relative (under the parent). */
  cgroupsPath?: string;
  /** `--cgroup-parent`: where relative paths and the id go (default `/gocontainer`). */
  parent?: string;
  /** The container id: the leaf when no cgroupsPath is given. */
  id?: string;
}

const SYSTEMD_PATH = /^[^/:]*:[^/:]*:[^/:]*$/;

function systemdUnsupported(field: string, value: string): CgroupError {
  return new CgroupError(
    'ESYSTEMD',
    `${JSON.stringify(value)} is a systemd path (slice:prefix:name): systemd cgroup driver is not supported yet`,
    { field },
  );
}

function clean(field: string, value: string): string {
  if (SYSTEMD_PATH.test(value)) throw systemdUnsupported(field, value);
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) {
    throw new CgroupError('EINVALIDPATH', `expected a path without "..", got ${JSON.stringify(value)}`, { field });
  }
  return `/${parts.join('/')}`;
}

/**
 * The cgroup's absolute path inside each hierarchy (`/gocontainer/abc`).
 * OCI lets the runtime choose where relative paths go: under the parent, as
 * Docker's cgroupfs driver does with `--cgroup-parent`.
 */
export function resolveCgroupPath(options: CgroupPathOptions): string {
  const parent = clean('cgroupParent', options.parent ?? DEFAULT_CGROUP_PARENT);
  let path: string;
  if (options.cgroupsPath !== undefined && options.cgroupsPath !== '') {
    const p = options.cgroupsPath;
    if (SYSTEMD_PATH.test(p)) throw systemdUnsupported('linux.cgroupsPath', p);
    path = p.startsWith('/') ? clean('linux.cgroupsPath', p) : clean('linux.cgroupsPath', `${parent}/${p}`);
  } else if (options.id) {
    if (options.id.includes('/') || options.id === '.' || options.id === '..') {
      throw new CgroupError('EINVALIDPATH', `expected a name without "/", got ${JSON.stringify(options.id)}`, {
        field: 'id',
      });
    }
    path = posix.join(parent, options.id);
  } else {
    throw new CgroupError('EINVALIDPATH', 'expected linux.cgroupsPath or a container id to name the cgroup');
  }
  if (path === '/') {
    throw new CgroupError('EINVALIDPATH', 'expected a cgroup below the root, got "/"', { field: 'linux.cgroupsPath' });
  }
  return path;
}
