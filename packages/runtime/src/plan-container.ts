import { planBoundingSet, planCapabilitySets } from '@gc/capabilities';
import { type CgroupPlacement, planCgroupPlacement } from '@gc/cgroups';
import {
  planNoNewPrivs,
  planOomScoreAdj,
  planParentDeathSignal,
  planRlimits,
  planSessionKeyring,
  planSysctls,
  planUser,
} from '@gc/credentials';
import {
  type NamespaceInput,
  type NamespacePlan,
  planDomainname,
  planHostname,
  planLoopbackUp,
  planNamespaces,
} from '@gc/namespaces';
import { type HostProbe, planRootfs, type RootfsInput } from '@gc/rootfs';
import { type FilterCache, planSeccomp } from '@gc/seccomp';
import {
  type Arch,
  AT_EMPTY_PATH,
  AT_FDCWD,
  CLONE_NEWCGROUP,
  F_SETFD,
  FD_CLOEXEC,
  type FdEntry,
  O_CLOEXEC,
  O_WRONLY,
  PR_SET_DUMPABLE,
  Program,
  type ProgramScope,
} from '@gc/syscall';
import { planConsole, planNewSession } from './console.js';
import { SpecError } from './errors.js';
import type { Spec } from './spec.js';

const PKG = '@gc/runtime';
const PARENT_DEATH_SIGNAL = 'SIGKILL';

export interface PlanOptions {
  /** Names the container's session keyring (`_ses.<id>`). Default: a fixed name. */
  containerId?: string;
  /**
   * Root filesystem override: an overlay assembled inside the container's
   * mount namespace. `hidden`: real paths of the lower layers the container
   * must never see (whited out in `upper` first; `gocontainerStatePaths()`).
   */
  overlay?: { lower: string[]; upper: string; work: string; hidden?: string[] };
  /**
   * Put gc-init in front of the command as PID 1: the fd (in the parent) of
   * the sealed binary to execveat. It reaps zombies and forwards signals.
   */
  initFd?: number;
  /** fds the container gets: fd N in the container is `stdio[N]` in this process. Default 0, 1, 2. */
  stdio?: readonly number[];
  /**
   * The container's cgroup, placed as the child starts (@gc/cgroups'
   * openPlacement()): the runtime clones the child into its cgroup2 part
   * (CLONE_INTO_CGROUP), and the child, first thing after the namespaces,
   * writes "0" to each v1 hierarchy's `tasks` fd given here, moving itself:
   * nothing of the container runs outside the cgroup, and a thread that
   * moves itself waits out no RCU grace period (a move by the parent does,
   * 7-20 ms). A new cgroup namespace is unshared after the moves, so that its
   * root is that cgroup.
   */
  cgroup?: Pick<CgroupPlacement, 'selfMove'>;
  /**
   * Compiled seccomp filters to reuse (`createFileFilterCache`): planning the
   * same profile for the same capabilities, arch and kernel again skips the
   * compile, ~7-15 ms of a cold start with Docker's profile. Default: none.
   */
  seccompCache?: FilterCache;
  /**
   * The console socket (OCI `--console-socket`): a connected unix socket of
   * this process. Needed with `process.terminal`: the container's pty master
   * is sent on it (`receiveConsole`) before the exec.
   */
  consoleSocket?: number;
  /**
   * SIGKILL the container when this process dies (default true): `gocontainer
   * run` waits for its container. A created container outlives its creator
   * (containerd's shim reaps it), so `create` passes false.
   */
  parentDeathSignal?: boolean;
  /** Do not make the session keyring (runc's `--no-new-keyring`). */
  noNewKeyring?: boolean;
  /** chroot instead of pivot_root (runc's `--no-pivot`, for a root on a ramfs). */
  noPivot?: boolean;
  /**
   * A created container's exec fifo, opened O_PATH in this process: once set
   * up (the command looked up, as runc's LookPath), the child NOTIFYs
   * "created", then opens the fifo for writing through /proc/self/fd (it
   * blocks until `start` opens it for reading), writes one byte and execs.
   */
  execFifo?: number;
  /**
   * Ops planned once every mount is, just before the pivot (in the
   * container's mount namespace, the runtime's files still in view):
   * the createRuntime handshake and the createContainer hooks.
   */
  beforePivot?: (p: ProgramScope) => void;
  /**
   * An fd (in this process) of the static gc-exec, best a sealed copy: once
   * its namespaces are made (a new user namespace's id maps written), the
   * child execs it and goes on there (the REEXEC op), so that it holds
   * nothing of Node from then on: a created container's init waits for as
   * long as start takes.
   */
  execHelper?: number;
  /** Ops planned after the exec fifo, just before the exec: the startContainer hooks. */
  beforeExec?: (p: ProgramScope) => void;
  /**
   * What planning reads from the host: the root's files, mount points, the
   * cgroup layout, the kernel release (also the seccomp profile's `minKernel`).
   * Default: this machine; `explain` golden tests pass their own.
   */
  host?: HostProbe;
  /** The arch to plan for (default: this machine's). */
  arch?: Arch;
  /** The highest capability number of the kernel (default: /proc/sys/kernel/cap_last_cap). */
  lastCap?: number;
}

export interface ContainerPlan {
  program: Program;
  cloneFlags: bigint;
  namespaces: NamespacePlan;
  /** Index of the exec op: its ENOENT/EACCES is the user's command, not the setup. */
  execOp: number;
  /** Index of the look-up of the command before the exec fifo (create), whose errors are the command's too. */
  lookOp?: number;
  /** The command as the user named it. */
  command: string;
}

/**
 * Plan a container from an OCI spec, in runc's order: namespaces (joins, id
 * maps), the session keyring, oom_score_adj, sysctls, the root filesystem,
 * hostname and loopback, rlimits, the bounding set, the user, the other
 * capability sets, no_new_privs, seccomp last of all, then the exec.
 */
export function planContainer(spec: Spec, opts: PlanOptions = {}): ContainerPlan {
  const args = spec.process?.args;
  if (!Array.isArray(args) || args.length === 0 || typeof args[0] !== 'string' || args[0] === '') {
    throw new SpecError('process.args', 'expected a non-empty array of strings, the command first');
  }
  const command = args[0] as string;
  const env = spec.process.env ?? [];
  const namespaceSpecs = spec.linux?.namespaces ?? [];

  const program = new Program(opts.arch ? { arch: opts.arch } : {});
  const p = program.scope(PKG);
  // The container's stdio first: fds kept by planners are numbered above it.
  const stdio = opts.stdio ?? [0, 1, 2];
  program.setFds(stdio.map((source, target): FdEntry => ({ target, source })));

  // Placed in its cgroup after the clone, the child makes a new cgroup namespace after that.
  const lateCgroupNs = opts.cgroup !== undefined && namespaceSpecs.some((n) => n.type === 'cgroup' && !n.path);
  const namespaces = planNamespaces(program, containerNamespaces(spec, opts));

  const userNamespaceIsNew = namespaceSpecs.some((n) => n.type === 'user' && !n.path);
  if (opts.cgroup) planCgroupPlacement(program, opts.cgroup);
  if (lateCgroupNs) p.syscall('unshare', [CLONE_NEWCGROUP], 'unshare the cgroup namespace');
  if (opts.execHelper !== undefined) {
    if (userNamespaceIsNew) {
      // Still the host's uid, which the new namespace does not map: an exec
      // now would lose every capability. Become its root first, as runc's
      // nsexec does (the process's own user comes later, planUser).
      p.syscall('setresgid', [0, 0, 0], 'become gid 0 of the new user namespace');
      p.syscall('setgroups', [0, null], 'drop the supplementary groups', { tolerate: ['EPERM'] });
      p.syscall('setresuid', [0, 0, 0], 'become uid 0 of the new user namespace');
    }
    const exe = p.keepFd(opts.execHelper);
    // The fd table hands it over without CLOEXEC; the exec of gc-exec itself closes it.
    p.syscall('fcntl', [exe, F_SETFD, FD_CLOEXEC], 'mark the gc-exec fd close-on-exec');
    p.reexec(exe, 'go on in the static gc-exec (no Node heap while it waits)');
  }

  // A created init waits holding fds of the runtime's (the exec fifo, the
  // hooks' pipes, the sync socket): a process exec'd into the container must
  // not reach them through /proc/1/fd. The exec makes the command dumpable again.
  if (opts.execFifo !== undefined) {
    p.syscall('prctl', [PR_SET_DUMPABLE, 0, 0, 0, 0], 'make the waiting init undumpable');
  }

  // The container must not outlive gocontainer (a crash or SIGKILL of ours);
  // planUser re-arms it after the uid/gid change, which clears it.
  const deathSignal = opts.parentDeathSignal === false ? undefined : PARENT_DEATH_SIGNAL;
  if (deathSignal) planParentDeathSignal(program, deathSignal);

  const userNamespace = namespaceSpecs.some((n) => n.type === 'user');
  // Before seccomp: Docker's profile blocks keyctl.
  if (!opts.noNewKeyring)
    planSessionKeyring(program, { containerId: opts.containerId ?? 'gocontainer', userNamespace });
  if (spec.process.oomScoreAdj !== undefined) planOomScoreAdj(program, spec.process.oomScoreAdj);
  // Through the host's /proc, still visible here: sysctl files answer for the
  // namespaces of the writer, and the container's /proc/sys is read-only later.
  if (spec.linux?.sysctl && Object.keys(spec.linux.sysctl).length > 0) {
    planSysctls(program, spec.linux.sysctl, { namespaces: namespaceSpecs });
  }

  const rootInput: RootfsInput = {
    root: opts.overlay ? { overlay: opts.overlay, readonly: spec.root.readonly ?? false } : spec.root,
    mounts: spec.mounts ?? [],
    maskedPaths: spec.linux?.maskedPaths ?? [],
    readonlyPaths: spec.linux?.readonlyPaths ?? [],
    cwd: spec.process.cwd || '/',
    userNamespace: namespaceSpecs.some((n) => n.type === 'user'),
    cgroupNamespace: namespaceSpecs.some((n) => n.type === 'cgroup'),
    ...(opts.noPivot ? { noPivot: true } : {}),
    ...(spec.linux?.devices ? { devices: spec.linux.devices } : {}),
    ...(spec.linux?.rootfsPropagation
      ? { propagation: spec.linux.rootfsPropagation as RootfsInput['propagation'] }
      : {}),
  };
  const beforePivot = opts.beforePivot;
  planRootfs(program, rootInput, {
    ...(opts.host ? { host: opts.host } : {}),
    ...(beforePivot ? { beforePivot: () => beforePivot(p) } : {}),
  });

  const hasNew = (type: string) => namespaceSpecs.some((n) => n.type === type && !n.path);
  if (spec.hostname) {
    if (!hasNew('uts'))
      throw new SpecError('hostname', 'needs a new UTS namespace (linux.namespaces: { type: "uts" })');
    planHostname(program, spec.hostname);
  }
  if (spec.domainname) {
    if (!hasNew('uts')) throw new SpecError('domainname', 'needs a new UTS namespace');
    planDomainname(program, spec.domainname);
  }
  if (hasNew('network')) planLoopbackUp(program);

  // Out of the caller's session: its terminal can never become the container's.
  planNewSession(p);
  if (spec.process.terminal) {
    if (opts.consoleSocket === undefined) {
      throw new SpecError('process.terminal', 'needs a console socket to send the pty master on (consoleSocket)');
    }
    const size = spec.process.consoleSize;
    if (size !== undefined) checkConsoleSize(size);
    planConsole(p, { socket: p.keepFd(opts.consoleSocket), ...(size ? { size } : {}) });
  } else if (opts.consoleSocket !== undefined) {
    throw new SpecError('process.terminal', 'is not true, so there is no pty to send on the console socket');
  }

  const capabilities = spec.process.capabilities;
  const seccomp = spec.linux?.seccomp;
  const seccompCaps = [...(capabilities?.bounding ?? [])];
  // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while
  // the process still has it, as runc does; the profile must then allow the
  // capability and credential calls that follow (Docker's does).
  const seccompOpts = {
    noNewPrivs: false,
    capabilities: seccompCaps,
    ...(opts.seccompCache ? { cache: opts.seccompCache } : {}),
    ...(opts.host ? { kernelVersion: opts.host.kernelRelease() } : {}),
  };
  if (seccomp && !spec.process.noNewPrivileges) planSeccomp(program, seccomp, seccompOpts);
  if (spec.process.rlimits?.length) planRlimits(program, spec.process.rlimits, { inNewUserNamespace: userNamespace });
  const capOpts = opts.lastCap === undefined ? {} : { lastCap: opts.lastCap };
  if (capabilities) planBoundingSet(program, capabilities, capOpts);
  if (spec.process.user) planUser(program, spec.process.user, deathSignal ? { parentDeathSignal: deathSignal } : {});
  if (capabilities) planCapabilitySets(program, capabilities, capOpts);
  if (spec.process.noNewPrivileges) planNoNewPrivs(program);

  // keepFd (gc-init's fd here, a namespace pidfd elsewhere) numbers above these.
  const initTarget = opts.initFd === undefined ? -1 : p.keepFd(opts.initFd);
  if (opts.initFd !== undefined) {
    // The fd table hands fds over without CLOEXEC; this one is for execveat only.
    p.syscall('fcntl', [initTarget, F_SETFD, FD_CLOEXEC], 'mark the gc-init fd close-on-exec');
  }
  // With no_new_privs, the filter is the last op before the exec: every op
  // after the load is filtered too.
  if (seccomp && spec.process.noNewPrivileges) planSeccomp(program, seccomp, seccompOpts);
  let lookOp: number | undefined;
  if (opts.execFifo !== undefined) {
    lookOp = program.ops.length;
    p.lookPath(command, env, `look up ${command}`);
    planExecFifo(p, p.keepFd(opts.execFifo));
  }
  opts.beforeExec?.(p);
  let execOp: number;
  if (opts.initFd !== undefined) {
    execOp = program.ops.length;
    p.syscall(
      'execveat',
      [initTarget, '', ['gc-init', '--', ...args], env, AT_EMPTY_PATH],
      `exec gc-init -- ${command}`,
    );
  } else {
    execOp = program.ops.length;
    p.execvp(command, args, env, `exec ${command}`);
  }
  return {
    program,
    cloneFlags: namespaces.cloneFlags,
    namespaces,
    execOp,
    ...(lookOp !== undefined ? { lookOp } : {}),
    command,
  };
}

/**
 * What planContainer hands planNamespaces, its first planner: the spec's
 * namespaces, less a new cgroup namespace when the child is placed in its
 * cgroup first (it unshares that one after the move).
 */
function containerNamespaces(spec: Spec, opts: Pick<PlanOptions, 'cgroup'>): NamespaceInput {
  const namespaceSpecs = spec.linux?.namespaces ?? [];
  const lateCgroupNs = opts.cgroup !== undefined && namespaceSpecs.some((n) => n.type === 'cgroup' && !n.path);
  return {
    namespaces: lateCgroupNs ? namespaceSpecs.filter((n) => n.type !== 'cgroup') : namespaceSpecs,
    ...(spec.linux?.uidMappings ? { uidMappings: spec.linux.uidMappings } : {}),
    ...(spec.linux?.gidMappings ? { gidMappings: spec.linux.gidMappings } : {}),
    ...(spec.linux?.timeOffsets ? { timeOffsets: spec.linux.timeOffsets } : {}),
  };
}

/** The label of the NOTIFY that says a created container is set up and waits on its exec fifo. */
export const CREATED_LABEL = 'the container is created: wait for start on the exec fifo';

/**
 * runc's exec fifo: tell the parent we are set up, then block in open(2)
 * for writing until `start` opens the fifo for reading; write one byte
 * (start reads it: the init was there), close both fds, go on to the exec.
 */
function planExecFifo(p: ProgramScope, fifo: number): void {
  p.notify(0, CREATED_LABEL);
  const fd = p.syscall(
    'openat',
    [AT_FDCWD, `/proc/self/fd/${fifo}`, O_WRONLY | O_CLOEXEC, 0],
    'open the exec fifo (wait for start)',
  );
  p.syscall('write', [fd, '0', 1], 'write to the exec fifo');
  p.syscall('close', [fd], 'close the exec fifo');
  p.syscall('close', [fifo], 'close the exec fifo O_PATH fd');
}

function checkConsoleSize(size: { height: number; width: number }): void {
  for (const key of ['height', 'width'] as const) {
    const v = size[key];
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new SpecError(`process.consoleSize.${key}`, `expected an integer from 0 to 65535, got ${String(v)}`);
    }
  }
}
