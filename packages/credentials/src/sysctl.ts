import { statSync } from 'node:fs';
import { AT_FDCWD, GcError, O_CLOEXEC, O_WRONLY, type ProgramScope, RESOLVE_NO_SYMLINKS } from '@gc/syscall';
import { INVALID_CONFIG, PKG } from './pkg.js';

/** The IPC sysctls a container may set, with an IPC namespace of its own (runc's and Docker's list). */
export const IPC_SYSCTLS: readonly string[] = [
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
];

/** A namespace of the container, as OCI `linux.namespaces` lists it. */
export interface SysctlNamespace {
  readonly type: string;
  readonly path?: string | undefined;
}

export interface SysctlOptions {
  /** OCI `linux.namespaces`: which namespaces the container has of its own. */
  readonly namespaces: readonly SysctlNamespace[];
  /** The config field named in errors (default `linux.sysctl`). */
  readonly field?: string;
  /**
   * Is a joined network namespace the runtime's own? (default: compares
   * /proc/self/ns/net with the path, as runc does).
   */
  readonly isHostNetworkNamespace?: (path: string) => boolean;
}

/** A checked sysctl: its key in dotted form and where it is written. */
export interface ValidSysctl {
  readonly key: string;
  readonly value: string;
  /** `/proc/sys/...` */
  readonly path: string;
}

const PROC_SYS = '/proc/sys';

/**
 * Check OCI `linux.sysctl` as runc does: only sysctls the kernel keeps per
 * namespace, and only when that namespace is the container's own:
 * - the IPC ones (`IPC_SYSCTLS`, `fs.mqueue.*`) with an IPC namespace;
 * - `net.*` with a network namespace that is not the host's;
 * - `kernel.domainname` with a UTS namespace (`kernel.hostname` is refused:
 *   the OCI `hostname` field sets it).
 * Anything else would change the host. Keys take dots or slashes
 * (`net/ipv4/ip_forward`), as sysctl(8) does.
 */
export function validateSysctls(input: unknown, options: SysctlOptions): ValidSysctl[] {
  const field = options.field ?? 'linux.sysctl';
  if (input === undefined || input === null) return [];
  if (typeof input !== 'object' || Array.isArray(input))
    throw new GcError(INVALID_CONFIG, `${field}: expected an object of key: value strings`);
  const has = (type: string) => options.namespaces.some((n) => n.type === type);
  const isHostNet = options.isHostNetworkNamespace ?? sameAsOurNetworkNamespace;
  return Object.entries(input as Record<string, unknown>).map(([rawKey, value]) => {
    const at = `${field}[${JSON.stringify(rawKey)}]`;
    const key = rawKey.replaceAll('/', '.');
    const parts = key.split('.');
    if (parts.some((c) => c === '' || c === '..' || /[\s\0]/.test(c))) {
      throw new GcError(INVALID_CONFIG, `${at}: not a sysctl name (expected dotted words like net.ipv4.ip_forward)`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new GcError(
        INVALID_CONFIG,
        `${at}: expected a string value without NUL bytes, got ${JSON.stringify(value)}`,
      );
    }
    if (IPC_SYSCTLS.includes(key) || key.startsWith('fs.mqueue.')) {
      if (!has('ipc')) throw needs(at, 'an IPC namespace', 'ipc');
    } else if (key.startsWith('net.')) {
      const net = options.namespaces.find((n) => n.type === 'network');
      if (!net) throw needs(at, 'a network namespace', 'network');
      if (net.path && isHostNet(net.path)) {
        throw new GcError(
          INVALID_CONFIG,
          `${at}: the network namespace ${net.path} is the host's; net.* sysctls need the container's own`,
        );
      }
    } else if (key === 'kernel.hostname') {
      throw new GcError(INVALID_CONFIG, `${at}: set the hostname with the OCI "hostname" field instead`);
    } else if (key === 'kernel.domainname') {
      if (!has('uts')) throw needs(at, 'a UTS namespace', 'uts');
    } else {
      throw new GcError(
        INVALID_CONFIG,
        `${at}: not namespaced, so it would change the host: a container can set ${IPC_SYSCTLS.join(', ')}, fs.mqueue.*, net.* and kernel.domainname`,
      );
    }
    return { key, value, path: `${PROC_SYS}/${parts.join('/')}` };
  });
}

/**
 * Plan writing each sysctl to /proc/sys inside the container: openat2 with
 * RESOLVE_NO_SYMLINKS (the path must be the real /proc/sys, not a symlink the
 * image planted), write, close. Plan it after the container's /proc is
 * mounted and the root changed, and before /proc/sys is made read-only
 * (runc's order: prepareRootfs, sysctls, readonly and masked paths).
 */
export function planSysctls(program: ProgramScope, sysctls: unknown, options: SysctlOptions): ValidSysctl[] {
  const valid = validateSysctls(sysctls, options);
  const p = program.scope(PKG);
  for (const s of valid) {
    const how = p.struct([
      { name: 'flags', type: 'u64', value: O_WRONLY | O_CLOEXEC },
      { name: 'mode', type: 'u64', value: 0 },
      { name: 'resolve', type: 'u64', value: RESOLVE_NO_SYMLINKS },
    ]);
    const fd = p.syscall('openat2', [AT_FDCWD, s.path, how, 24], `open ${s.path}`);
    p.syscall('write', [fd, s.value, Buffer.byteLength(s.value)], `set sysctl ${s.key} to ${JSON.stringify(s.value)}`);
    p.syscall('close', [fd], `close ${s.path}`);
  }
  return valid;
}

function needs(at: string, what: string, type: string): GcError {
  return new GcError(
    INVALID_CONFIG,
    `${at}: needs ${what} of the container's own: add {"type": "${type}"} to linux.namespaces`,
  );
}

function sameAsOurNetworkNamespace(path: string): boolean {
  try {
    const theirs = statSync(path);
    const ours = statSync('/proc/self/ns/net');
    return theirs.dev === ours.dev && theirs.ino === ours.ino;
  } catch (cause) {
    throw new GcError(INVALID_CONFIG, `linux.namespaces: cannot stat the network namespace ${path}`, { cause });
  }
}
