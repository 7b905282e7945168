/**
 * OCI `linux.resources` (runtime-spec config-linux.md), with OCI's field
 * names, so a bundle's config can be passed as it is. Numbers are int64 in
 * the spec; JavaScript numbers hold every value a host can use.
 */

export interface LinuxDeviceCgroup {
  allow: boolean;
  /** `a` (all), `c` or `b`. */
  type?: string;
  major?: number | null;
  minor?: number | null;
  /** Some of `rwm`. */
  access?: string;
}

export interface LinuxMemory {
  /** Bytes; -1 for no limit. */
  limit?: number;
  /** Soft limit in bytes. */
  reservation?: number;
  /** memory + swap, in bytes (cgroup v1's meaning); -1 for no limit. */
  swap?: number;
  /** Kernel memory limit (cgroup v1 only, deprecated by the kernel). */
  kernel?: number;
  /** Kernel TCP buffer limit (cgroup v1 only). */
  kernelTCP?: number;
  /** 0-100 (cgroup v1 only). */
  swappiness?: number;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
  checkBeforeUpdate?: boolean;
}

export interface LinuxCPU {
  /** Relative weight, 2-262144 (cgroup v1 `cpu.shares`). */
  shares?: number;
  /** Microseconds of CPU per period; -1 for no limit. */
  quota?: number;
  /** Microseconds the quota may be exceeded by, accumulated while idle. */
  burst?: number;
  /** Microseconds. */
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  /** `0-3,7` */
  cpus?: string;
  /** `0-1` */
  mems?: string;
  /** 1: SCHED_IDLE for the cgroup. */
  idle?: number;
}

export interface LinuxPids {
  /** Maximum number of tasks; -1 (or any value < 0) for no limit, 0 for unset. */
  limit: number;
}

export interface LinuxWeightDevice {
  major: number;
  minor: number;
  weight?: number;
  leafWeight?: number;
}

export interface LinuxThrottleDevice {
  major: number;
  minor: number;
  rate: number;
}

export interface LinuxBlockIO {
  /** 10-1000. */
  weight?: number;
  leafWeight?: number;
  weightDevice?: LinuxWeightDevice[];
  throttleReadBpsDevice?: LinuxThrottleDevice[];
  throttleWriteBpsDevice?: LinuxThrottleDevice[];
  throttleReadIOPSDevice?: LinuxThrottleDevice[];
  throttleWriteIOPSDevice?: LinuxThrottleDevice[];
}

export interface LinuxHugepageLimit {
  /** `2MB`, `1GB`, `64KB` */
  pageSize: string;
  /** Bytes. */
  limit: number;
}

export interface LinuxInterfacePriority {
  name: string;
  priority: number;
}

export interface LinuxNetwork {
  classID?: number;
  priorities?: LinuxInterfacePriority[];
}

export interface LinuxRdma {
  hcaHandles?: number;
  hcaObjects?: number;
}

export interface LinuxResources {
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCPU;
  pids?: LinuxPids;
  blockIO?: LinuxBlockIO;
  hugepageLimits?: LinuxHugepageLimit[];
  network?: LinuxNetwork;
  /** Keyed by RDMA device name. */
  rdma?: Record<string, LinuxRdma>;
  /** cgroup v2 file name -> value, written as they are. */
  unified?: Record<string, string>;
}
