import { posix } from 'node:path';
import { GcError } from '@gc/syscall';
import { show } from './check-path.js';
import type { DockerRunFlags } from './run-spec.js';
import { usageError } from './usage-error.js';

/** The OCI fields `run` fills from its flags, and the flag that fills each. */
const FIELDS: readonly (readonly [field: string, flag: string, key: keyof DockerRunFlags])[] = [
  ['linux.resources.memory.limit', '--memory', 'memory'],
  ['linux.resources.memory.swap', '--memory-swap', 'memorySwap'],
  ['linux.resources.memory.reservation', '--memory-reservation', 'memoryReservation'],
  ['linux.resources.cpu.quota', '--cpus', 'cpus'],
  ['linux.resources.cpu.period', '--cpus', 'cpus'],
  ['linux.resources.cpu.shares', '--cpu-shares', 'cpuShares'],
  ['linux.resources.cpu.cpus', '--cpuset-cpus', 'cpusetCpus'],
  ['linux.resources.pids', '--pids-limit', 'pidsLimit'],
  ['linux.resources.blockIO', '--blkio-weight', 'blkioWeight'],
  ['process.oomScoreAdj', '--oom-score-adj', 'oomScoreAdj'],
  ['process.rlimits', '--ulimit', 'ulimit'],
  ['process.user', '--user', 'user'],
  ['process.cwd', '--workdir', 'workdir'],
  ['linux.sysctl', '--sysctl', 'sysctl'],
  ['linux.seccomp', '--security-opt', 'securityOpt'],
  ['hostname', '--hostname', 'hostname'],
  ['cgroupParent', '--cgroup-parent', 'cgroupParent'],
];

/**
 * A setup failure of a deeper layer (an OCI field the spec check refused, a
 * cgroup file the kernel refused, a directory that could not be made in the
 * root) said in terms of the flag that caused it. `run` checks its flags
 * first, so this is for what only the kernel can tell. Anything else, and
 * a failure of the command itself (exit 126, 127), is returned as it is.
 */
export function blameRunFlag(e: unknown, flags: DockerRunFlags): unknown {
  if (!GcError.isInstance(e)) return e;
  const exitCode = (e as { exitCode?: unknown }).exitCode;
  if (typeof exitCode === 'number' && exitCode !== 125) return e;
  const message = e.message;
  for (const [field, flag, key] of FIELDS) {
    if (!message.startsWith(`${field}:`) && !message.startsWith(`${field}[`) && !message.startsWith(`${field}.`)) {
      continue;
    }
    const value = flags[key];
    // A list flag's field has the index: `process.rlimits[1]` is the second --ulimit.
    const index = Number(/^[^[]*\[(\d+)\]/.exec(message)?.[1]);
    // The profile of `--security-opt seccomp=FILE`, whichever of the options it was.
    const given = Array.isArray(value)
      ? (value[index] ?? [...value].reverse().find((v: string) => v.startsWith('seccomp')))
      : value;
    return blamed(flag, typeof given === 'string' ? given : undefined, message, e);
  }
  if (/^change to the working directory /.test(message) && flags.workdir !== undefined) {
    return blamed('--workdir', flags.workdir, message, e);
  }
  // A sysctl the rules allow but this kernel lacks, or a value it refuses.
  const sysctl = /^(?:open \/proc\/sys\/(\S+)|set sysctl (\S+) to)/.exec(message);
  if (sysctl) {
    const key = (sysctl[1] ?? sysctl[2] ?? '').replaceAll('/', '.');
    const given = (flags.sysctl ?? []).find((v) => v.slice(0, v.indexOf('=')).replaceAll('/', '.') === key);
    return blamed('--sysctl', given, message, e);
  }
  if (message.includes('/proc/self/oom_score_adj')) {
    // The kernel lets only CAP_SYS_RESOURCE lower it, which a container host may withhold.
    const hint = message.includes('EACCES') ? ': lowering it needs CAP_SYS_RESOURCE, which gocontainer lacks here' : '';
    return blamed('--oom-score-adj', flags.oomScoreAdj, `${message}${hint}`, e);
  }
  // A directory or mount point made in the root: the working directory, or a volume's container path.
  const made = /^create (?:the file )?(\/\S*) in the root/.exec(message)?.[1];
  if (made !== undefined) {
    const under = (path: string) => {
      const p = posix.normalize(path);
      return p === made || p.startsWith(`${made}/`);
    };
    if (flags.workdir !== undefined && under(flags.workdir)) return blamed('--workdir', flags.workdir, message, e);
    const volume = (flags.volume ?? []).find((v) => under(v.split(':')[1] ?? ''));
    if (volume !== undefined) return blamed('--volume', volume, message, e);
  }
  return e;
}

function blamed(flag: string, value: string | undefined, message: string, cause: unknown): GcError {
  return usageError(`${flag}: ${value === undefined ? '' : `${show(value)}: `}${message}`, cause);
}
