import { readFileSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import { RLIM_INFINITY, type RlimitType } from './rlimit-types.js';

/** CAP_SYS_RESOURCE of linux/capability.h: what raising a hard limit takes. */
export const CAP_SYS_RESOURCE = 24;

/** What the runtime's own process may do with rlimits: its children start with the same. */
export interface HostLimits {
  /** CapEff of /proc/self/status. */
  readonly capEffective: bigint;
  /** CapBnd of /proc/self/status. */
  readonly capBounding: bigint;
  /** The current hard limits, from /proc/self/limits. */
  readonly hard: ReadonlyMap<RlimitType, bigint>;
  /** fs.nr_open: no RLIMIT_NOFILE can exceed it (undefined if unknown). */
  readonly nrOpen: bigint | undefined;
}

// /proc/PID/limits names each resource in words (fs/proc/base.c lnames).
const LIMIT_LINES: Readonly<Record<string, RlimitType>> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Read this process's capabilities and hard limits from /proc. */
export function readHostLimits(procRoot = '/proc'): HostLimits {
  const status = read(`${procRoot}/self/status`);
  const limits = read(`${procRoot}/self/limits`);
  let nrOpen: bigint | undefined;
  try {
    nrOpen = BigInt(readFileSync(`${procRoot}/sys/fs/nr_open`, 'utf8').trim());
  } catch {
    nrOpen = undefined;
  }
  return {
    capEffective: capLine(status, 'CapEff'),
    capBounding: capLine(status, 'CapBnd'),
    hard: parseLimits(limits),
    nrOpen,
  };
}

/** The hard limits in the text of a /proc/PID/limits file. */
export function parseLimits(text: string): Map<RlimitType, bigint> {
  const out = new Map<RlimitType, bigint>();
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const type = m ? LIMIT_LINES[m[1] as string] : undefined;
    if (!m || !type) continue;
    const hard = m[3] as string;
    out.set(type, hard === 'unlimited' ? RLIM_INFINITY : BigInt(hard));
  }
  return out;
}

export function hasCapability(mask: bigint, cap: number): boolean {
  return ((mask >> BigInt(cap)) & 1n) === 1n;
}

function capLine(status: string, name: string): bigint {
  const m = new RegExp(`^${name}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(status);
  if (!m) throw new GcError('ENOPROC', `/proc/self/status has no ${name} line`);
  return BigInt(`0x${m[1]}`);
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GcError('ENOPROC', `cannot read ${path}`, { cause });
  }
}
