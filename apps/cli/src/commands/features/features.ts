import { release } from 'node:os';
import { CAPABILITY_NAMES } from '@gc/capabilities';
import { NAMESPACE_TYPES } from '@gc/namespaces';
import { MOUNT_OPTIONS } from '@gc/rootfs';
import { HOOK_KINDS } from '@gc/runtime';
import { SCMP_ARCH_NAMES, SECCOMP_ACTIONS, SECCOMP_FLAGS, SECCOMP_OPERATORS, supportedSeccompFlags } from '@gc/seccomp';
import { COMMIT, OCI_VERSION, VERSION } from '../../version.js';

/**
 * The runtime-spec "Features structure" (features.md, features-linux.md):
 * what gocontainer recognises, whatever the host has. The lists come from
 * the packages that act on them; what is not implemented says so
 * (`enabled: false`) rather than being left out, so a caller does not
 * guess.
 */
export function features(): unknown {
  const sorted = (names: Iterable<string>): string[] => [...names].sort();
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: OCI_VERSION,
    // Every kind runs (create, start and delete): @gc/runtime's HOOK_KINDS.
    hooks: [...HOOK_KINDS],
    mountOptions: [...MOUNT_OPTIONS],
    linux: {
      namespaces: sorted(NAMESPACE_TYPES),
      capabilities: [...CAPABILITY_NAMES],
      cgroup: { v1: true, v2: true, systemd: false, systemdUser: false, rdma: true },
      seccomp: {
        enabled: true,
        actions: sorted(Object.keys(SECCOMP_ACTIONS)),
        operators: sorted(SECCOMP_OPERATORS),
        archs: sorted(SCMP_ARCH_NAMES),
        knownFlags: Object.keys(SECCOMP_FLAGS),
        supportedFlags: supportedSeccompFlags(release()),
      },
      apparmor: { enabled: false },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: false } },
    },
    annotations: {
      'org.gocontainer.version': VERSION,
      'org.gocontainer.commit': COMMIT,
    },
  };
}
