import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What `--cpus` and `--cpuset-cpus` are checked against. */
export interface HostCpus {
  /** CPUs this process may run on (sched_getaffinity), Docker's `sysinfo.NumCPU()`. */
  readonly count: number;
  /** The online CPUs, as the kernel lists them (`0-3,6`). */
  readonly online: string;
}

let cached: HostCpus | undefined;

/** This host's CPUs, read once per process. */
export function readHostCpus(): HostCpus {
  cached ??= {
    count: availableParallelism(),
    online: readFileSync('/sys/devices/system/cpu/online', 'utf8').trim(),
  };
  return cached;
}
