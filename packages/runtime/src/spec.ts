/**
 * The subset of the OCI runtime spec (config.json) that gocontainer runs.
 * Names and shapes are OCI's, so a bundle's config can be passed as it is.
 */
import type { CapabilitiesInput } from '@gc/capabilities';
import type { LinuxResources } from '@gc/cgroups';
import type { Rlimit } from '@gc/credentials';
import type { IdMapping, NamespaceSpec, TimeOffsets } from '@gc/namespaces';
import type { LinuxDevice, Mount } from '@gc/rootfs';
import type { SeccompProfile } from '@gc/seccomp';

export interface User {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface Process {
  args: string[];
  env?: string[];
  cwd: string;
  /** Give the process a pty of its own (its master goes out on the console socket). */
  terminal?: boolean;
  /** The pty's size, with `terminal`. */
  consoleSize?: { height: number; width: number };
  user?: User;
  capabilities?: CapabilitiesInput;
  rlimits?: Rlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
}

export interface Root {
  path: string;
  readonly?: boolean;
}

export interface Linux {
  namespaces?: NamespaceSpec[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  timeOffsets?: TimeOffsets;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  rootfsPropagation?: string;
  sysctl?: Record<string, string>;
  seccomp?: SeccompProfile;
  resources?: LinuxResources;
  /** Nodes made in the container's /dev besides the default ones (access to them is `resources.devices`' business). */
  devices?: LinuxDevice[];
  cgroupsPath?: string;
}

export interface Spec {
  ociVersion?: string;
  process: Process;
  root: Root;
  hostname?: string;
  domainname?: string;
  mounts?: Mount[];
  linux?: Linux;
}
