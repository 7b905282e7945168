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

/** One OCI hook: a program the runtime runs at a point of the lifecycle, the state JSON on its stdin. */
export interface Hook {
  /** Absolute path of the program (resolved in the runtime's namespace, or the container's: see Hooks). */
  path: string;
  /** Its argv, argv[0] included (default: `[path]`). */
  args?: string[];
  /** Its whole environment (default: none). */
  env?: string[];
  /** Seconds it may take; it is killed and fails once they pass (default: no limit). */
  timeout?: number;
}

/** OCI `hooks`, by the point of the lifecycle each list runs at (runtime-spec config.md, "POSIX-platform Hooks"). */
export interface Hooks {
  /** Deprecated by the spec, still run (Docker adds one): after the namespaces are made, in the runtime's namespace. */
  prestart?: Hook[];
  /** After the namespaces are made, before pivot_root, in the runtime's namespace. */
  createRuntime?: Hook[];
  /** After createRuntime, before pivot_root, in the container's namespaces (its mount namespace). */
  createContainer?: Hook[];
  /** At start, just before the user's process is executed, inside the container. */
  startContainer?: Hook[];
  /** After the user's process started, in the runtime's namespace; a failure is only logged. */
  poststart?: Hook[];
  /** At delete, after the container is gone, in the runtime's namespace; a failure is only logged. */
  poststop?: Hook[];
}

export interface Spec {
  ociVersion?: string;
  process: Process;
  root: Root;
  hostname?: string;
  domainname?: string;
  mounts?: Mount[];
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux?: Linux;
}
