import { release } from 'node:os';
import { type Arch, currentArch, errnoName, isArch } from '@gc/syscall';
import { DOCKER_ARCH_NAME, filterArchOf, HOST_ABIS, NATIVE_ABI, SCMP_ARCH_NAMES } from './arches.js';
import {
  SECCOMP_ACTIONS,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FLAGS,
  SECCOMP_OPERATORS,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_USER_NOTIF,
  type SeccompActionName,
  type SeccompOperator,
} from './constants.js';
import { SeccompProfileError } from './errors.js';
import { isKnownSyscall, seccompSyscallNumber } from './syscall-names.js';
import type { TableArch } from './syscall-tables.js';
import type { DockerFilter, SeccompProfile, SeccompSyscall } from './types.js';

const EPERM = 1;
const U64_MAX = (1n << 64n) - 1n;
const ACTION_NAMES = Object.keys(SECCOMP_ACTIONS);

export interface ProfileOptions {
  /** The host architecture the filter is for (the program's); default this machine's. */
  readonly arch?: Arch;
  /**
   * The container's bounding capabilities (`CAP_SYS_ADMIN` or `SYS_ADMIN`),
   * for Docker's `includes.caps` / `excludes.caps`. Default: none.
   */
  readonly capabilities?: readonly string[];
  /** The kernel release for Docker's `minKernel` (`6.1.0-18-amd64`); default `os.release()`. */
  readonly kernelVersion?: string;
  /** Where the profile sits, for error messages; default `linux.seccomp`. */
  readonly path?: string;
}

/** One argument condition, values as unsigned 64-bit integers. */
export interface Condition {
  readonly index: number;
  readonly op: SeccompOperator;
  readonly value: bigint;
  readonly valueTwo: bigint;
}

/** A syscall rule: if every condition holds, return `action`. */
export interface Rule {
  /** `linux.seccomp.syscalls[3]`: the entry it came from. */
  readonly path: string;
  readonly names: readonly string[];
  /** The filter return value (action | data). */
  readonly action: number;
  readonly conditions: readonly Condition[];
}

/** A name of the profile that the arch has no syscall for: libseccomp (through runc) skips those. */
export interface SkippedName {
  readonly path: string;
  readonly name: string;
  readonly arch: TableArch;
}

/** A validated profile, reduced to what the filter does on one host. */
export interface NormalizedProfile {
  readonly hostArch: Arch;
  readonly defaultAction: number;
  /** What a call from an ABI the filter does not cover gets (libseccomp's default: SCMP_ACT_KILL). */
  readonly badArchAction: number;
  /** The ABIs the filter covers, native first. */
  readonly arches: readonly TableArch[];
  /** Listed architectures that cannot occur on this host, left out of the filter. */
  readonly ignoredArchitectures: readonly string[];
  readonly flags: number;
  readonly rules: readonly Rule[];
  readonly skippedNames: readonly SkippedName[];
}

/**
 * Validate an OCI or Docker seccomp profile and reduce it to the rules that
 * apply on `opts.arch`: Docker's `archMap` and `includes`/`excludes` are
 * evaluated as Docker does (against the capabilities, arch and kernel), then
 * names are checked against the syscall tables. Throws SeccompProfileError
 * naming the offending entry.
 */
export function normalizeProfile(profile: SeccompProfile, opts: ProfileOptions = {}): NormalizedProfile {
  const base = opts.path ?? 'linux.seccomp';
  const hostArch = opts.arch ?? currentArch();
  if (!isArch(hostArch)) throw new SeccompProfileError(base, `unsupported host arch ${String(hostArch)}`);
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new SeccompProfileError(base, 'a seccomp profile must be an object');
  }
  const caps = new Set((opts.capabilities ?? []).map(capName));
  const kernel = opts.kernelVersion ?? release();

  const defaultAction = parseAction(profile.defaultAction, profile.defaultErrnoRet, `${base}.defaultAction`, true);
  if (defaultAction === 'notify') {
    throw new SeccompProfileError(`${base}.defaultAction`, 'SCMP_ACT_NOTIFY cannot be the default action');
  }
  let flags = parseFlags(profile.flags, `${base}.flags`);
  const { arches, ignored } = parseArches(profile, hostArch, base);

  const rules: Rule[] = [];
  const skippedNames: SkippedName[] = [];
  const syscalls = profile.syscalls ?? [];
  if (!Array.isArray(syscalls)) throw new SeccompProfileError(`${base}.syscalls`, 'must be an array');
  syscalls.forEach((entry: SeccompSyscall, i: number) => {
    const path = `${base}.syscalls[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new SeccompProfileError(path, 'must be an object');
    const action = parseAction(entry.action, entry.errnoRet, `${path}.action`, false);
    const names = parseNames(entry, path);
    const conditions = parseArgs(entry.args, `${path}.args`);
    checkDockerFilter(entry.includes, `${path}.includes`);
    checkDockerFilter(entry.excludes, `${path}.excludes`);
    if (!dockerSelects(entry, caps, DOCKER_ARCH_NAME[hostArch], kernel, path)) return;
    names.forEach((name, j) => {
      if (!isKnownSyscall(name)) {
        const where = entry.names === undefined ? `${path}.name` : `${path}.names[${j}]`;
        throw new SeccompProfileError(where, `${JSON.stringify(name)} is not a syscall on any supported architecture`);
      }
      for (const arch of arches) {
        if (seccompSyscallNumber(name, arch) === undefined) skippedNames.push({ path, name, arch });
      }
    });
    const value = action === 'notify' ? SECCOMP_RET_USER_NOTIF : action;
    if (action === 'notify') flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // runc: conditions on distinct arguments are ANDed in one rule; when an
    // argument repeats, libseccomp cannot AND them, so each becomes a rule of
    // its own (ORed).
    const indexes = new Set(conditions.map((c) => c.index));
    if (indexes.size === conditions.length) rules.push({ path, names, action: value, conditions });
    else for (const c of conditions) rules.push({ path, names, action: value, conditions: [c] });
  });

  return {
    hostArch,
    defaultAction: defaultAction as number,
    badArchAction: SECCOMP_RET_KILL_THREAD,
    arches,
    ignoredArchitectures: ignored,
    flags,
    rules,
    skippedNames,
  };
}

function parseAction(action: unknown, errnoRet: unknown, path: string, isDefault: boolean): number | 'notify' {
  if (typeof action !== 'string' || !Object.hasOwn(SECCOMP_ACTIONS, action)) {
    throw new SeccompProfileError(path, `${JSON.stringify(action)} is not an action (${ACTION_NAMES.join(', ')})`);
  }
  const name = action as SeccompActionName;
  const retPath = isDefault ? path.replace(/defaultAction$/, 'defaultErrnoRet') : path.replace(/action$/, 'errnoRet');
  const takesData = name === 'SCMP_ACT_ERRNO' || name === 'SCMP_ACT_TRACE';
  if (errnoRet !== undefined && errnoRet !== null) {
    if (!Number.isInteger(errnoRet) || (errnoRet as number) < 0 || (errnoRet as number) > 4095) {
      throw new SeccompProfileError(retPath, `${JSON.stringify(errnoRet)} is not an errno (0..4095)`);
    }
    // A default errno next to a non-errno default action is harmless (runc ignores it); on a rule it is a mistake.
    if (!takesData && !isDefault) {
      throw new SeccompProfileError(retPath, `only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value, not ${name}`);
    }
  }
  if (name === 'SCMP_ACT_NOTIFY') return 'notify';
  const base = SECCOMP_ACTIONS[name];
  if (!takesData) return base;
  // runc: ERRNO and TRACE without a value return EPERM.
  const data = typeof errnoRet === 'number' ? errnoRet : EPERM;
  return (name === 'SCMP_ACT_ERRNO' ? SECCOMP_RET_ERRNO : SECCOMP_RET_TRACE) | data;
}

function parseFlags(flags: unknown, path: string): number {
  if (flags === undefined || flags === null) return 0;
  if (!Array.isArray(flags)) throw new SeccompProfileError(path, 'must be an array of flag names');
  let out = 0;
  flags.forEach((flag, i) => {
    if (typeof flag !== 'string' || !Object.hasOwn(SECCOMP_FLAGS, flag)) {
      throw new SeccompProfileError(
        `${path}[${i}]`,
        `${JSON.stringify(flag)} is not a seccomp flag (${Object.keys(SECCOMP_FLAGS).join(', ')})`,
      );
    }
    out |= SECCOMP_FLAGS[flag] as number;
  });
  return out;
}

function parseArches(
  profile: SeccompProfile,
  hostArch: Arch,
  base: string,
): { arches: TableArch[]; ignored: string[] } {
  const listed: string[] = [];
  const check = (name: unknown, path: string): void => {
    if (typeof name !== 'string' || !(SCMP_ARCH_NAMES as readonly string[]).includes(name)) {
      throw new SeccompProfileError(
        path,
        `${JSON.stringify(name)} is not an architecture (${SCMP_ARCH_NAMES.join(', ')})`,
      );
    }
  };
  const architectures = profile.architectures ?? [];
  const archMap = profile.archMap ?? [];
  if (!Array.isArray(architectures)) throw new SeccompProfileError(`${base}.architectures`, 'must be an array');
  if (!Array.isArray(archMap)) throw new SeccompProfileError(`${base}.archMap`, 'must be an array');
  if (architectures.length > 0 && archMap.length > 0) {
    throw new SeccompProfileError(base, "both 'architectures' and 'archMap' are set: use one (as Docker requires)");
  }
  architectures.forEach((name, i) => {
    check(name, `${base}.architectures[${i}]`);
    listed.push(name);
  });
  const native = NATIVE_ABI[hostArch];
  archMap.forEach((entry, i) => {
    const path = `${base}.archMap[${i}]`;
    check(entry?.architecture, `${path}.architecture`);
    const subs = entry.subArchitectures ?? [];
    if (!Array.isArray(subs)) throw new SeccompProfileError(`${path}.subArchitectures`, 'must be an array');
    subs.forEach((s, j) => {
      check(s, `${path}.subArchitectures[${j}]`);
    });
    // Docker keeps only the entry of the host's own architecture.
    if (filterArchOf(entry.architecture)?.table === native) listed.push(entry.architecture, ...subs);
  });
  const wanted = new Set<TableArch>([native]);
  const ignored: string[] = [];
  for (const name of listed) {
    const arch = filterArchOf(name);
    if (arch && HOST_ABIS[hostArch].includes(arch.table)) wanted.add(arch.table);
    else if (!ignored.includes(name)) ignored.push(name);
  }
  return { arches: HOST_ABIS[hostArch].filter((a) => wanted.has(a)), ignored };
}

function parseNames(entry: SeccompSyscall, path: string): string[] {
  if (entry.name !== undefined && entry.names !== undefined) {
    throw new SeccompProfileError(path, "both 'name' and 'names' are set: use one");
  }
  if (entry.name !== undefined) {
    if (typeof entry.name !== 'string' || entry.name === '')
      throw new SeccompProfileError(`${path}.name`, 'must be a syscall name');
    return [entry.name];
  }
  const names = entry.names;
  if (!Array.isArray(names) || names.length === 0) {
    throw new SeccompProfileError(`${path}.names`, 'must be a non-empty array of syscall names');
  }
  names.forEach((name, j) => {
    if (typeof name !== 'string' || name === '')
      throw new SeccompProfileError(`${path}.names[${j}]`, `${JSON.stringify(name)} is not a syscall name`);
  });
  return [...names];
}

function parseArgs(args: unknown, path: string): Condition[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args)) throw new SeccompProfileError(path, 'must be an array');
  return args.map((arg, i) => {
    const at = `${path}[${i}]`;
    if (typeof arg !== 'object' || arg === null) throw new SeccompProfileError(at, 'must be an object');
    const { index, op } = arg as { index: unknown; op: unknown };
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 5) {
      throw new SeccompProfileError(`${at}.index`, `${JSON.stringify(index)} is not an argument index (0..5)`);
    }
    if (typeof op !== 'string' || !(SECCOMP_OPERATORS as readonly string[]).includes(op)) {
      throw new SeccompProfileError(
        `${at}.op`,
        `${JSON.stringify(op)} is not a comparison operator (${SECCOMP_OPERATORS.join(', ')})`,
      );
    }
    return {
      index: index as number,
      op: op as SeccompOperator,
      value: parseU64((arg as { value: unknown }).value, `${at}.value`, false),
      valueTwo: parseU64((arg as { valueTwo: unknown }).valueTwo, `${at}.valueTwo`, true),
    };
  });
}

function parseU64(value: unknown, path: string, optional: boolean): bigint {
  if (value === undefined && optional) return 0n;
  if (typeof value === 'bigint' && value >= 0n && value <= U64_MAX) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  // Past 2^53 a JSON number has already lost its low bits: refuse rather than compare with the wrong value.
  const why = typeof value === 'number' && Number.isInteger(value) ? ' (above 2^53: pass a bigint)' : '';
  throw new SeccompProfileError(path, `${String(value)} is not an unsigned 64-bit integer${why}`);
}

function checkDockerFilter(filter: DockerFilter | null | undefined, path: string): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== 'object') throw new SeccompProfileError(path, 'must be an object');
  for (const key of ['caps', 'arches'] as const) {
    const list = filter[key];
    if (list !== undefined && list !== null && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
      throw new SeccompProfileError(`${path}.${key}`, 'must be an array of strings');
    }
  }
  const min = filter.minKernel;
  if (min !== undefined && min !== null && min !== '' && parseKernel(min) === undefined) {
    throw new SeccompProfileError(`${path}.minKernel`, `${JSON.stringify(min)} is not a kernel version (like "4.8")`);
  }
}

/** Docker's setupSeccomp: does this entry apply to a container with `caps` on `arch` and `kernel`? */
function dockerSelects(entry: SeccompSyscall, caps: Set<string>, arch: string, kernel: string, path: string): boolean {
  const ex = entry.excludes ?? {};
  const inc = entry.includes ?? {};
  if (ex.arches?.includes(arch)) return false;
  if (ex.caps?.some((c) => caps.has(capName(c)))) return false;
  if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel, `${path}.excludes.minKernel`)) return false;
  if (inc.arches && inc.arches.length > 0 && !inc.arches.includes(arch)) return false;
  if (inc.caps?.some((c) => !caps.has(capName(c)))) return false;
  if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel, `${path}.includes.minKernel`)) return false;
  return true;
}

/** `sys_admin` → `CAP_SYS_ADMIN`: how a capability is compared. */
export function capName(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

function parseKernel(version: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function kernelAtLeast(running: string, wanted: string, path: string): boolean {
  const have = parseKernel(running);
  const want = parseKernel(wanted) as number[];
  if (!have) throw new SeccompProfileError(path, `cannot compare with kernel release ${JSON.stringify(running)}`);
  for (let i = 0; i < 3; i++) {
    if ((have[i] as number) !== (want[i] as number)) return (have[i] as number) > (want[i] as number);
  }
  return true;
}

/** `SCMP_ACT_ERRNO(EPERM)`, `SCMP_ACT_ALLOW`: a return value as a profile would name it. */
export function describeAction(ret: number): string {
  const action = (ret & 0xffff0000) >>> 0;
  const data = ret & 0xffff;
  switch (action) {
    case SECCOMP_RET_ERRNO:
      return `SCMP_ACT_ERRNO(${errnoName(data) ?? data})`;
    case SECCOMP_RET_TRACE:
      return `SCMP_ACT_TRACE(${data})`;
    default: {
      const name = Object.entries(SECCOMP_ACTIONS).find(([n, v]) => v === action && n !== 'SCMP_ACT_KILL')?.[0];
      return name ?? `0x${(ret >>> 0).toString(16)}`;
    }
  }
}
