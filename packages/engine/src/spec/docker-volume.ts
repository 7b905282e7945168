import { posix } from 'node:path';
import type { Mount, Propagation } from '@gc/rootfs';
import { GcError } from '@gc/syscall';

const PROPAGATIONS: ReadonlySet<string> = new Set<Propagation>([
  'private',
  'rprivate',
  'shared',
  'rshared',
  'slave',
  'rslave',
]);

/** Docker's -v option classes: at most one of each. */
type OptionClass = 'access' | 'label' | 'propagation' | 'consistency';

function classOf(option: string): OptionClass | undefined {
  if (option === 'ro' || option === 'rw') return 'access';
  // SELinux relabelling: gocontainer has no SELinux support, so (as Docker on a host without SELinux) nothing to do.
  if (option === 'z' || option === 'Z') return 'label';
  if (PROPAGATIONS.has(option)) return 'propagation';
  // Docker Desktop's file-sharing hints; Docker on Linux ignores them too.
  if (option === 'consistent' || option === 'cached' || option === 'delegated') return 'consistency';
  return undefined;
}

const OPTION_HINT = 'ro, rw, z, Z, private, rprivate, shared, rshared, slave, rslave';

/**
 * `docker run -v HOST:CTR[:OPTIONS]` as an OCI mount: a recursive bind,
 * `rprivate` unless a propagation is given. `ro` is recursive read-only, as
 * since Docker 25: every mount under HOST is read-only in the container too
 * (OCI `rro`, applied with `mount_setattr(AT_RECURSIVE)`), not just the top
 * one. OPTIONS is a comma-separated list with at most one option of each kind.
 * Errors name `--volume` and the value.
 */
export function dockerVolume(value: string): Mount {
  const field = '--volume';
  const parts = value.split(':');
  const [source, destination, options] = parts;
  if (parts.length < 2 || parts.length > 3 || !source || !destination) {
    throw new GcError('EUSAGE', `${field}: "${value}" is not HOST:CONTAINER[:OPTIONS]`);
  }
  if (!source.startsWith('/') || !destination.startsWith('/')) {
    throw new GcError('EUSAGE', `${field}: "${value}": both paths must be absolute`);
  }
  if (posix.normalize(destination) === '/') {
    throw new GcError('EUSAGE', `${field}: "${value}": the container path cannot be /`);
  }
  let readonly = false;
  let propagation = 'rprivate';
  const seen = new Map<OptionClass, string>();
  for (const option of options === undefined ? [] : options.split(',')) {
    const kind = classOf(option);
    if (kind === undefined) {
      const why = option === 'nocopy' ? ' (nocopy is for named volumes, which gocontainer does not have)' : '';
      throw new GcError('EUSAGE', `${field}: "${value}": "${option}" is not a volume option (${OPTION_HINT})${why}`);
    }
    const earlier = seen.get(kind);
    if (earlier !== undefined) {
      throw new GcError('EUSAGE', `${field}: "${value}": "${earlier}" and "${option}" cannot be given together`);
    }
    seen.set(kind, option);
    if (kind === 'access') readonly = option === 'ro';
    if (kind === 'propagation') propagation = option;
  }
  if (readonly && !propagation.endsWith('private')) {
    // mount_setattr(AT_RECURSIVE) makes the mounts there now read-only; one
    // that propagates in later would arrive writable.
    throw new GcError(
      'EUSAGE',
      `${field}: "${value}": ro cannot be given with ${propagation}: mounts propagated in later would be writable (use rprivate, the default)`,
    );
  }
  return { destination, type: 'bind', source, options: ['rbind', propagation, readonly ? 'rro' : 'rw'] };
}
