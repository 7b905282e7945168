import { type CgroupFs, type CgroupLayout, createCgroupManager } from '@gc/cgroups';
import { GcError } from '@gc/syscall';
import { type ContainerPlan, type PlanOptions, planContainer } from '../plan-container.js';
import type { Spec } from '../spec.js';
import { createPlaceholderFds, type PlaceholderFds } from './placeholder-fds.js';

export interface ExplainPlanOptions
  extends Pick<
    PlanOptions,
    'overlay' | 'parentDeathSignal' | 'noNewKeyring' | 'noPivot' | 'host' | 'arch' | 'lastCap'
  > {
  /** What the container's fds 0, 1, 2 (and more) are, in words (default: this process's 0, 1 and 2). */
  stdio?: readonly string[];
  /** The container's ID: its cgroup, session keyring and run directory are named by it. */
  containerId: string;
  /** gc-init in front of the command (`run --init`). */
  init?: boolean;
  /** The cgroup the container's is made under when the spec has no cgroupsPath (`--cgroup-parent`). */
  cgroupParent?: string;
  /** The host's cgroup hierarchies (@gc/cgroups' layout; default: this host's). */
  cgroupLayout?: CgroupLayout;
}

/** A container's plan, made without making anything, and what its stand-in fds stand for. */
export interface ExplainedPlan {
  readonly plan: ContainerPlan;
  /** The container's cgroup, inside each hierarchy (`/gocontainer/<id>`): made before the clone. */
  readonly cgroupPath: string;
  /** The child is cloned straight into the cgroup (CLONE_INTO_CGROUP: cgroup v2). */
  readonly intoCgroup: boolean;
  readonly fds: PlaceholderFds;
}

/**
 * Plan a container as `startContainer` does (the same `planContainer`, the
 * same cgroup placement) without creating anything: no cgroup, no process,
 * no fd. Where the real start hands the planner an fd it opened (the
 * cgroup's tasks files, gc-init, the console socket), this hands it a
 * stand-in named for what it stands for (`fds.name`).
 */
export function planExplained(spec: Spec, opts: ExplainPlanOptions): ExplainedPlan {
  const fds = createPlaceholderFds();
  const cgroup = createCgroupManager({
    id: opts.containerId,
    ...(spec.linux?.cgroupsPath ? { cgroupsPath: spec.linux.cgroupsPath } : {}),
    ...(opts.cgroupParent ? { parent: opts.cgroupParent } : {}),
    ...(opts.cgroupLayout ? { layout: opts.cgroupLayout } : {}),
    fs: placeholderCgroupFs(fds),
  });
  const placement = cgroup.openPlacement();
  const plan = planContainer(spec, {
    containerId: opts.containerId,
    cgroup: placement,
    ...(opts.overlay ? { overlay: opts.overlay } : {}),
    ...(opts.stdio ? { stdio: opts.stdio.map((what) => fds.fd(what)) } : {}),
    ...(opts.parentDeathSignal !== undefined ? { parentDeathSignal: opts.parentDeathSignal } : {}),
    ...(opts.noNewKeyring ? { noNewKeyring: true } : {}),
    ...(opts.noPivot ? { noPivot: true } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.arch ? { arch: opts.arch } : {}),
    ...(opts.lastCap !== undefined ? { lastCap: opts.lastCap } : {}),
    ...(opts.init ? { initFd: fds.fd('the gc-init binary (a sealed copy)') } : {}),
    ...(spec.process?.terminal
      ? { consoleSocket: fds.fd("the console socket (the pty's master goes back on it)") }
      : {}),
  });
  return { plan, cgroupPath: cgroup.path, intoCgroup: placement.cloneInto !== undefined, fds };
}

/** The cgroup manager's file operations, for `openPlacement` only: stand-ins instead of fds, nothing else. */
function placeholderCgroupFs(fds: PlaceholderFds): CgroupFs {
  const refuse = (what: string) => () => {
    throw new GcError('EEXPLAIN', `explain: planning tried to ${what} (it must make nothing)`);
  };
  return {
    openWrite: (path) => fds.fd(`the container cgroup's tasks file ${path}`),
    openDir: (path) => fds.fd(`the cgroup directory ${path}`),
    close: () => undefined,
    exists: () => false,
    readFile: refuse('read a cgroup file'),
    writeFile: refuse('write a cgroup file'),
    mkdir: refuse('make a cgroup'),
    rmdir: refuse('remove a cgroup'),
    subdirs: () => [],
  };
}
