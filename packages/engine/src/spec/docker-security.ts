import { readFileSync } from 'node:fs';
import { dockerCapabilitySets, parseCapabilityStatus, resolveCapabilities } from '@gc/capabilities';
import { parseUlimit, type Rlimit, resolveUser } from '@gc/credentials';
import type { Process } from '@gc/runtime';
import { defaultProfile, type SeccompProfile } from '@gc/seccomp';
import { GcError } from '@gc/syscall';

export interface SecurityOptions {
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  /** `--security-opt` values: `seccomp=FILE|unconfined`, `no-new-privileges[=true|false]`. */
  securityOpt?: string[];
  /** Read a seccomp profile file (the CLI passes one; the library never reads argv paths itself). */
  readProfile?: (path: string) => string;
}

export interface Security {
  capabilities: NonNullable<Process['capabilities']>;
  noNewPrivileges: boolean;
  /** undefined: no filter (`--privileged`, `seccomp=unconfined`). */
  seccomp: SeccompProfile | undefined;
  /** `--privileged` turns masked and read-only paths off, as Docker does. */
  maskPaths: boolean;
}

/**
 * Docker's confinement, with `docker run`'s flags applied: its capability
 * set, its seccomp profile, no_new_privs, and masked paths; `--privileged`
 * takes all of them away.
 */
export function dockerSecurity(opts: SecurityOptions, uid = 0): Security {
  let seccomp: SeccompProfile | undefined = opts.privileged ? undefined : hardenDockerProfile(defaultProfile());
  let noNewPrivileges = true;
  for (const opt of opts.securityOpt ?? []) {
    const eq = opt.search(/[=:]/);
    const key = eq === -1 ? opt : opt.slice(0, eq);
    const value = eq === -1 ? undefined : opt.slice(eq + 1);
    if (key === 'seccomp') {
      if (value === undefined || value === '')
        throw new GcError('EUSAGE', '--security-opt seccomp: expected seccomp=FILE or seccomp=unconfined');
      seccomp = value === 'unconfined' ? undefined : parseProfile(value, opts.readProfile);
    } else if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new GcError('EUSAGE', `--security-opt no-new-privileges: expected true or false, not "${value}"`);
      }
      noNewPrivileges = value !== 'false';
    } else {
      throw new GcError(
        'EUSAGE',
        `--security-opt: "${opt}" is not supported (seccomp=FILE|unconfined, no-new-privileges[=true|false])`,
      );
    }
  }
  let caps = resolveCapabilities({
    add: opts.capAdd ?? [],
    drop: opts.capDrop ?? [],
    privileged: opts.privileged ?? false,
  });
  // What this process cannot hold, no container of it can: "all" means all of
  // ours (this host's bounding set lacks CAP_SYS_RESOURCE, for one). A cap
  // asked for by name that we lack is an error, not a silent drop.
  const ours = new Set(parseCapabilityStatus(readFileSync('/proc/self/status', 'utf8')).bounding);
  const wantsAll = opts.privileged || (opts.capAdd ?? []).some((c) => c.toUpperCase() === 'ALL');
  if (wantsAll) caps = caps.filter((c) => ours.has(c));
  const missing = caps.filter((c) => !ours.has(c));
  if (missing.length > 0) {
    throw new GcError(
      'EUSAGE',
      `--cap-add: ${missing.join(', ')} is not in gocontainer's own bounding set on this host`,
    );
  }
  return {
    capabilities: dockerCapabilitySets(caps, { uid }),
    noNewPrivileges: opts.privileged ? false : noNewPrivileges,
    seccomp,
    maskPaths: !opts.privileged,
  };
}

const S_IFMT = 0o170000;
/** The file types mknod may still create: character devices, files, FIFOs, sockets (0 means a file). */
const NODE_TYPES_ALLOWED = [0o020000, 0o100000, 0o010000, 0o140000, 0];
/** Where the mode is among the arguments. */
const MODE_ARG: Record<string, number> = { mknod: 1, mknodat: 2 };

/**
 * gocontainer's default: Docker's profile made stricter in two places.
 * - mknod of a block device fails (EPERM, the profile's default): Docker lets
 *   the node be made and relies on the devices cgroup to refuse opening it;
 *   refusing it here holds on every cgroup layout.
 * - ptrace (and process_vm_readv/writev) need CAP_SYS_PTRACE, as in Docker on
 *   kernels before 4.8: the rule that allows them to everyone on newer
 *   kernels is left out, so a container's processes cannot trace its PID 1.
 */
export function hardenDockerProfile(profile: SeccompProfile): SeccompProfile {
  const names = Object.keys(MODE_ARG);
  const syscalls = (profile.syscalls ?? [])
    .filter((rule) => !(rule.names?.includes('ptrace') && rule.includes?.minKernel && !rule.includes.caps))
    .map((rule) => {
      if (rule.action !== 'SCMP_ACT_ALLOW' || rule.args?.length || !rule.names?.some((n) => names.includes(n)))
        return rule;
      return { ...rule, names: rule.names.filter((n) => !names.includes(n)) };
    });
  for (const name of names) {
    for (const type of NODE_TYPES_ALLOWED) {
      syscalls.push({
        names: [name],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: MODE_ARG[name] as number, value: S_IFMT, valueTwo: type, op: 'SCMP_CMP_MASKED_EQ' }],
        comment: 'gocontainer: no block device nodes',
      });
    }
  }
  return { ...profile, syscalls };
}

function parseProfile(path: string, read: ((path: string) => string) | undefined): SeccompProfile {
  if (!read) throw new GcError('EUSAGE', `--security-opt seccomp=${path}: no way to read the file`);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    throw new GcError('EUSAGE', `--security-opt seccomp=${path}: cannot read it (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as SeccompProfile;
  } catch (e) {
    throw new GcError('EUSAGE', `--security-opt seccomp=${path}: not JSON (${(e as Error).message})`);
  }
}

/**
 * `-u user[:group]` resolved from the container's /etc/passwd and /etc/group,
 * as Docker does: those of the directory `rootPath`, or what `readFile` reads
 * (an image's layers).
 */
export function dockerUser(
  rootPath: string,
  spec: string,
  readFile?: (path: string) => string | undefined,
): NonNullable<Process['user']> {
  const u = resolveUser(rootPath, spec, { field: '--user', ...(readFile ? { readFile } : {}) });
  return { uid: u.uid, gid: u.gid, additionalGids: [...u.additionalGids] };
}

/** `--ulimit name=soft[:hard]` values as OCI rlimits. */
export function dockerUlimits(values: string[]): Rlimit[] {
  return values.map((v) => {
    const u = parseUlimit(v, '--ulimit');
    return { type: u.type, soft: u.soft, hard: u.hard };
  });
}
