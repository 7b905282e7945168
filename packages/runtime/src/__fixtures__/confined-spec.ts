import { dockerCapabilitySets, resolveCapabilities } from '@gc/capabilities';
import type { NamespaceSpec } from '@gc/namespaces';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, defaultMounts, type Mount } from '@gc/rootfs';
import { defaultProfile, type SeccompProfile } from '@gc/seccomp';
import type { Process } from '../spec.js';

/**
 * The parts of a confined container's spec that the planning tests build on,
 * from the primitives themselves (what an engine fills in is its own policy,
 * above this package): a new namespace of each kind but the user's, the
 * default mounts, masked and read-only paths, the default capability set and
 * seccomp profile.
 */
export function newNamespaces(): NamespaceSpec[] {
  return (['pid', 'ipc', 'uts', 'mount', 'cgroup', 'network'] as const).map((type) => ({ type }));
}

export function defaultFilesystem(): { mounts: Mount[]; maskedPaths: string[]; readonlyPaths: string[] } {
  return {
    mounts: defaultMounts(),
    maskedPaths: [...DEFAULT_MASKED_PATHS],
    readonlyPaths: [...DEFAULT_READONLY_PATHS],
  };
}

export function defaultConfinement(): {
  capabilities: NonNullable<Process['capabilities']>;
  seccomp: SeccompProfile;
} {
  return { capabilities: dockerCapabilitySets(resolveCapabilities()), seccomp: defaultProfile() };
}
