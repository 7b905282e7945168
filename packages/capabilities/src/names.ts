import { readFileSync } from 'node:fs';
import { GcError } from '@gc/syscall';

/**
 * Every capability linux/capability.h names, indexed by its number. A kernel
 * newer than this table reports more in /proc/sys/kernel/cap_last_cap: those
 * are named `CAP_<n>` so they can still be kept or dropped by number.
 */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** A capability this package knows by name. */
export type KnownCapability = (typeof CAPABILITY_NAMES)[number];

/** The highest number in `CAPABILITY_NAMES` (CAP_CHECKPOINT_RESTORE, Linux 5.9). */
export const CAP_LAST_KNOWN = CAPABILITY_NAMES.length - 1;

/**
 * Capability sets are u64 masks in the kernel (two u32 halves for capset), so
 * no number above 63 can ever exist.
 */
export const CAP_MAX = 63;

const NUMBER_OF = new Map<string, number>(CAPABILITY_NAMES.map((name, i) => [name, i]));

/** The name of capability `n`: its header name, else `CAP_<n>` (a capability newer than this table). */
export function capabilityName(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > CAP_MAX)
    throw new RangeError(`capability number ${n} is not in 0..${CAP_MAX}`);
  return CAPABILITY_NAMES[n] ?? `CAP_${n}`;
}

/**
 * The number of a capability name as OCI writes it (`CAP_SYS_ADMIN`), or
 * `CAP_<n>` for one newer than the table; undefined for anything else.
 */
export function capabilityNumber(name: string): number | undefined {
  const known = NUMBER_OF.get(name);
  if (known !== undefined) return known;
  const m = /^CAP_(\d{1,2})$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  // CAP_5 is not another name for CAP_KILL: numeric names only stand for numbers the table lacks.
  return n > CAP_LAST_KNOWN && n <= CAP_MAX && String(n) === m[1] ? n : undefined;
}

/** Is `name` a capability name (known, or `CAP_<n>` above the table)? */
export function isCapabilityName(name: unknown): name is string {
  return typeof name === 'string' && capabilityNumber(name) !== undefined;
}

/**
 * The last capability the running kernel supports, from
 * /proc/sys/kernel/cap_last_cap (what runc and libcap read too).
 */
export function lastCap(procPath = '/proc/sys/kernel/cap_last_cap'): number {
  let text: string;
  try {
    text = readFileSync(procPath, 'utf8');
  } catch (cause) {
    throw new GcError('ECAPLAST', `cannot read ${procPath} to learn the kernel's capabilities`, { cause });
  }
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0 || n > CAP_MAX) {
    throw new GcError(
      'ECAPLAST',
      `${procPath}: expected a capability number in 0..${CAP_MAX}, got ${JSON.stringify(text.trim())}`,
    );
  }
  return n;
}

/** Every capability of a kernel whose last capability is `last` (default: the running kernel's), in number order. */
export function allCapabilities(last: number = lastCap()): string[] {
  const out: string[] = [];
  for (let n = 0; n <= last; n++) out.push(capabilityName(n));
  return out;
}
