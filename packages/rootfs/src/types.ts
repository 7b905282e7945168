import type { LinuxDevice } from './dev.js';

/** An OCI mount, as `config.json` lists it. */
export interface Mount {
  /** Absolute path inside the container. */
  destination: string;
  /** Filesystem type (`proc`, `tmpfs`, `bind`, ...); bind mounts may omit it or say `bind`/`none`. */
  type?: string;
  /** Host path for bind mounts, a device or a label for the others. */
  source?: string;
  /** Mount options (`ro`, `nosuid`, `rbind`, `size=64m`, ...). */
  options?: string[];
}

/** OCI `linux.rootfsPropagation`: what `/` is made before anything is mounted. */
export type Propagation =
  | 'private'
  | 'rprivate'
  | 'slave'
  | 'rslave'
  | 'shared'
  | 'rshared'
  | 'unbindable'
  | 'runbindable';

/** The container's root: a directory, or an overlay assembled inside the child's mount namespace. */
export type RootSpec =
  | { path: string; readonly?: boolean }
  | {
      /**
       * Layers as overlayfs takes them: `lower[0]` is the top-most lower layer.
       * `target` is where the overlay is attached in the child's mount namespace
       * (default: the `merged` sibling of `upper`, which the caller creates).
       * `hidden`: real paths of the lower layers the container never sees,
       * now or later (a whiteout for each is made in `upper` first).
       */
      overlay: { lower: string[]; upper: string; work: string; target?: string; hidden?: string[] };
      readonly?: boolean;
    };

export interface RootfsInput {
  root: RootSpec;
  mounts: Mount[];
  /** Paths hidden from the container (default none; Docker's are `DEFAULT_MASKED_PATHS`). */
  maskedPaths?: string[];
  /** Paths made read-only (default none; Docker's are `DEFAULT_READONLY_PATHS`). */
  readonlyPaths?: string[];
  /** Default `rprivate`: the container's mounts never reach the host and the host's never reach it. */
  propagation?: Propagation;
  /** `chroot` instead of `pivot_root` (for a root on a ramfs, where pivot_root fails). */
  noPivot?: boolean;
  /** Created inside the root when missing, then the process's working directory. */
  cwd?: string;
  /** In a user namespace device nodes cannot be made: they are bind-mounted from the host. */
  userNamespace?: boolean;
  /**
   * The container has a cgroup namespace of its own (new or joined): the
   * cgroup mounts are new filesystems, whose roots are its cgroup. Without
   * one, a hybrid host's cgroup2 is a clone of the host's mount.
   */
  cgroupNamespace?: boolean;
  /**
   * OCI `linux.devices`: nodes made in a fresh /dev besides the default ones
   * (`defaultDevices()`); needs a tmpfs mounted on /dev.
   */
  devices?: LinuxDevice[];
}

/** What `planRootfs` planned, for callers that explain or check it. The child's fds are all closed by the plan. */
export interface RootfsPlan {
  /** The host path that becomes `/` (the overlay's target for an overlay root). */
  readonly rootPath: string;
  /** Masked paths kept (the ones that exist on this host); the others were skipped. */
  readonly maskedPaths: readonly string[];
  /** Read-only paths kept (the ones that exist on this host). */
  readonly readonlyPaths: readonly string[];
  /** Whether /dev got its device nodes and links (a tmpfs is mounted on /dev). */
  readonly devCreated: boolean;
}
