import { readFileSync, readlinkSync } from 'node:fs';
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type CgroupFs, type CgroupLayout, type CgroupManager, createCgroupManager } from '@gc/cgroups';
import { GcError } from '@gc/syscall';
import { type ContainerStats, containerStats } from './docker-arithmetic.js';
import { ENGINE_STATS_NO_CGROUP, ENGINE_STATS_READ } from './errors.js';
import { type NetCounters, parseNetDev } from './net-dev.js';
import { cgroupPathOf } from './proc-cgroup.js';

/** A running container to measure: its init, whose cgroup and network namespace are the container's. */
export interface StatsTarget {
  readonly id: string;
  readonly pid: number;
}

/** One container's counters at one moment, as the kernel keeps them. */
export interface StatsCounters {
  /** When they were read (ms, a monotonic clock). */
  readonly at: number;
  /** CPU time of the cgroup's processes since it was made. */
  readonly cpuUsageNs: number;
  readonly memory: {
    readonly usage: number;
    /** memory.stat's inactive file pages (v1 `total_inactive_file`, v2 `inactive_file`), when there. */
    readonly inactiveFile: number | undefined;
    /** undefined: no limit. */
    readonly limit: number | undefined;
  };
  readonly pids: number;
  readonly blockRead: number;
  readonly blockWrite: number;
  /** Over the init's network namespace; zero when it is the sampler's own (a host-network container). */
  readonly net: NetCounters;
}

/** The counters of every target still running, by ID; a target that is gone has none. */
export type StatsReading = ReadonlyMap<string, StatsCounters>;

export interface StatsSamplerOptions {
  /** The cgroup hierarchies (default: this host's, as @gc/cgroups detects them once a process); tests pass a temp dir's. */
  layout?: CgroupLayout;
  fs?: CgroupFs;
  /** Where procfs is (default `/proc`): `PID/cgroup`, `PID/net/dev`, `PID/ns/net`, `self/ns/net`. */
  proc?: string;
  /** The host's memory, the limit shown for a container without one (default: os.totalmem()). */
  hostMemory?: number;
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
}

/**
 * Reads the cgroup and network counters of many containers in one pass (no
 * process, no wait per container), and turns two passes into Docker's
 * figures (CPU % needs two). One sampler per `stats` command: it keeps each container's
 * cgroup manager between passes.
 */
export interface StatsSampler {
  /**
   * One pass over the targets. `cpuOnly`: read only their CPU time, all a
   * first pass gives the figures of the next (a third of the files); the
   * other counters are then zero.
   */
  read(targets: readonly StatsTarget[], options?: { cpuOnly?: boolean }): StatsReading;
  /**
   * Docker's figures of each container, by ID, from two passes (`previous`
   * undefined: a first one, CPU % 0); one not in `current` (not running,
   * gone) gets zeros, as Docker shows a stopped container.
   */
  compute(
    ids: readonly string[],
    previous: StatsReading | undefined,
    current: StatsReading,
  ): Map<string, ContainerStats>;
}

/** Errors of reading a process's files that mean the process has gone meanwhile. */
const GONE = new Set(['ENOENT', 'ESRCH']);

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

export function createStatsSampler(options: StatsSamplerOptions = {}): StatsSampler {
  const proc = options.proc ?? '/proc';
  const hostMemory = options.hostMemory ?? totalmem();
  const now = options.now ?? (() => performance.now());
  const managers = new Map<string, CgroupManager>();
  let ownNetNs: string | undefined;

  /** The text of a file of the process, undefined once it is gone. */
  function procFile(pid: number, name: string): string | undefined {
    const path = `${proc}/${pid}/${name}`;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      if (GONE.has(errnoOf(e) ?? '')) return undefined;
      throw new GcError(ENGINE_STATS_READ, `read ${path}: ${errnoOf(e) ?? (e as Error).message}`, { cause: e });
    }
  }

  /** The namespace a `ns/net` link names (`net:[4026531840]`), undefined once the process is gone. */
  function netNs(path: string): string | undefined {
    try {
      return readlinkSync(path);
    } catch (e) {
      if (GONE.has(errnoOf(e) ?? '')) return undefined;
      throw new GcError(ENGINE_STATS_READ, `readlink ${path}: ${errnoOf(e) ?? (e as Error).message}`, { cause: e });
    }
  }

  function managerFor(id: string, path: string): CgroupManager {
    const known = managers.get(id);
    if (known?.path === path) return known;
    const manager = createCgroupManager({
      cgroupsPath: path,
      ...(options.layout ? { layout: options.layout } : {}),
      ...(options.fs ? { fs: options.fs } : {}),
    });
    managers.set(id, manager);
    return manager;
  }

  function readOne(target: StatsTarget, cpuOnly: boolean): StatsCounters | undefined {
    const procCgroup = procFile(target.pid, 'cgroup');
    if (procCgroup === undefined) return undefined;
    const path = cgroupPathOf(procCgroup);
    if (path === undefined || path === '/') {
      throw new GcError(
        ENGINE_STATS_NO_CGROUP,
        `container ${target.id.slice(0, 12)}: its init (pid ${target.pid}) is in no container cgroup (${proc}/${target.pid}/cgroup)`,
      );
    }
    const at = now();
    const stats = managerFor(target.id, path).stats(cpuOnly ? ['cpu'] : ['cpu', 'memory', 'pids', 'io']);
    ownNetNs ??= netNs(`${proc}/self/ns/net`);
    const ns = cpuOnly ? '' : netNs(`${proc}/${target.pid}/ns/net`);
    const netDev = ns !== undefined && ns !== ownNetNs && !cpuOnly ? procFile(target.pid, 'net/dev') : '';
    // Gone meanwhile: its cgroup's files may have been read empty.
    if (ns === undefined || netDev === undefined) return undefined;
    const raw = stats.memory?.raw ?? {};
    return {
      at,
      cpuUsageNs: (stats.cpu?.usageUsec ?? 0) * 1000,
      memory: {
        usage: stats.memory?.usage ?? 0,
        inactiveFile: raw.total_inactive_file ?? raw.inactive_file,
        limit: stats.memory?.limit,
      },
      pids: stats.pids?.current ?? 0,
      blockRead: stats.io?.readBytes ?? 0,
      blockWrite: stats.io?.writeBytes ?? 0,
      net: parseNetDev(netDev),
    };
  }

  return {
    read(targets, options = {}) {
      const out = new Map<string, StatsCounters>();
      for (const target of targets) {
        const counters = readOne(target, options.cpuOnly === true);
        if (counters) out.set(target.id, counters);
      }
      for (const id of managers.keys()) if (!out.has(id)) managers.delete(id);
      return out;
    },
    compute(ids, previous, current) {
      const out = new Map<string, ContainerStats>();
      for (const id of ids) out.set(id, containerStats(previous?.get(id), current.get(id), hostMemory));
      return out;
    },
  };
}
