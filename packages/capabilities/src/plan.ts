import {
  LINUX_CAPABILITY_VERSION_3,
  PR_CAP_AMBIENT,
  PR_CAP_AMBIENT_CLEAR_ALL,
  PR_CAP_AMBIENT_RAISE,
  PR_CAPBSET_DROP,
  PR_SET_KEEPCAPS,
  type ProgramScope,
} from '@gc/syscall';
import { formatCapabilityMask } from './mask.js';
import { CAP_LAST_KNOWN, capabilityName, capabilityNumber, lastCap } from './names.js';
import { PKG } from './pkg.js';
import type { CapabilitiesInput, CapabilitySets } from './sets.js';
import { validateCapabilities } from './validate.js';

export interface PlanCapabilitiesOptions {
  /** The kernel's last capability (default: /proc/sys/kernel/cap_last_cap). */
  readonly lastCap?: number;
  /** The config field named in errors (default `process.capabilities`). */
  readonly field?: string;
}

export interface BoundingSetPlan {
  /** The capabilities the program drops from the bounding set, in order. */
  readonly dropped: readonly string[];
  /** Names in the config that the running kernel does not have: left out, as runc does (it warns). */
  readonly ignored: readonly string[];
}

export interface CapabilitySetsPlan {
  /** The capabilities the program gives each set. */
  readonly sets: CapabilitySets;
  /** Names in the config that the running kernel does not have: left out, as runc does. */
  readonly ignored: readonly string[];
}

/**
 * Step 1 of 2, before the uid change: drop every capability that is not in
 * `bounding` from the bounding set (one `prctl(PR_CAPBSET_DROP)` each; EINVAL
 * is tolerated for numbers the kernel lacks), then `prctl(PR_SET_KEEPCAPS, 1)`.
 *
 * Why this order, as runc's finalizeNamespace: PR_CAPBSET_DROP needs
 * CAP_SETPCAP, which a non-root user no longer has; and without KEEPCAPS,
 * setresuid(2) from uid 0 to another uid empties the permitted set, after
 * which `planCapabilitySets` could not grant anything. The runtime plans:
 *
 *     planBoundingSet(p, caps)      // drops, PR_SET_KEEPCAPS 1
 *     planUser(p, user)             // @gc/credentials: setgroups, setresgid, setresuid
 *     planCapabilitySets(p, caps)   // PR_SET_KEEPCAPS 0, capset, ambient
 */
export function planBoundingSet(
  program: ProgramScope,
  capabilities: CapabilitiesInput,
  options: PlanCapabilitiesOptions = {},
): BoundingSetPlan {
  const sets = validateCapabilities(capabilities, options.field);
  const last = options.lastCap ?? lastCap();
  const p = program.scope(PKG);
  const keep = new Set(sets.bounding.map((name) => capabilityNumber(name) as number));
  const dropped: string[] = [];
  // Past the kernel's last cap too, up to the table's: harmless (EINVAL), and right if the program runs on a newer kernel.
  for (let n = 0; n <= Math.max(last, CAP_LAST_KNOWN); n++) {
    if (keep.has(n)) continue;
    const name = capabilityName(n);
    p.syscall('prctl', [PR_CAPBSET_DROP, n, 0, 0, 0], `drop ${name} from the bounding set`, { tolerate: ['EINVAL'] });
    dropped.push(name);
  }
  p.syscall(
    'prctl',
    [PR_SET_KEEPCAPS, 1, 0, 0, 0],
    'keep the permitted capabilities across the uid change (PR_SET_KEEPCAPS 1)',
  );
  return { dropped, ignored: unsupported(sets, last) };
}

/**
 * Step 2 of 2, after the uid change: `prctl(PR_SET_KEEPCAPS, 0)`, one
 * `capset(2)` (v3 header, pid 0) for effective, permitted and inheritable,
 * then `PR_CAP_AMBIENT_CLEAR_ALL` and one `PR_CAP_AMBIENT_RAISE` per ambient
 * capability (the kernel wants them permitted and inheritable first, hence
 * after the capset). Capabilities the running kernel lacks are left out.
 *
 * Plan it after everything that needs the runtime's capabilities (mounts,
 * rlimits, sysctls, the session keyring) and before the seccomp filter and
 * the exec.
 */
export function planCapabilitySets(
  program: ProgramScope,
  capabilities: CapabilitiesInput,
  options: PlanCapabilitiesOptions = {},
): CapabilitySetsPlan {
  const validated = validateCapabilities(capabilities, options.field);
  const last = options.lastCap ?? lastCap();
  const supported = (names: readonly string[]) => names.filter((name) => (capabilityNumber(name) as number) <= last);
  const sets: CapabilitySets = {
    bounding: supported(validated.bounding),
    effective: supported(validated.effective),
    permitted: supported(validated.permitted),
    inheritable: supported(validated.inheritable),
    ambient: supported(validated.ambient),
  };
  const p = program.scope(PKG);
  p.syscall('prctl', [PR_SET_KEEPCAPS, 0, 0, 0, 0], 'stop keeping capabilities across uid changes (PR_SET_KEEPCAPS 0)');

  const effective = maskOf(sets.effective);
  const permitted = maskOf(sets.permitted);
  const inheritable = maskOf(sets.inheritable);
  const header = p.struct([
    { name: 'version', type: 'u32', value: LINUX_CAPABILITY_VERSION_3 },
    { name: 'pid', type: 'i32', value: 0 },
  ]);
  // struct __user_cap_data_struct[2]: capabilities 0-31, then 32-63.
  const low = (m: bigint) => Number(m & 0xffffffffn);
  const high = (m: bigint) => Number(m >> 32n);
  const data = p.struct([
    { name: 'effective', type: 'u32', value: low(effective) },
    { name: 'permitted', type: 'u32', value: low(permitted) },
    { name: 'inheritable', type: 'u32', value: low(inheritable) },
    { name: 'effective_hi', type: 'u32', value: high(effective) },
    { name: 'permitted_hi', type: 'u32', value: high(permitted) },
    { name: 'inheritable_hi', type: 'u32', value: high(inheritable) },
  ]);
  p.syscall(
    'capset',
    [header, data],
    `capset effective ${formatCapabilityMask(effective)}, permitted ${formatCapabilityMask(permitted)}, inheritable ${formatCapabilityMask(inheritable)}`,
  );

  p.syscall('prctl', [PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0], 'clear the ambient capability set');
  for (const name of sets.ambient) {
    const n = capabilityNumber(name) as number;
    p.syscall('prctl', [PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0], `raise ${name} in the ambient set`);
  }
  return { sets, ignored: unsupported(validated, last) };
}

/**
 * Both steps with nothing in between, for a process that keeps its uid
 * (the common root container). Plan `planBoundingSet` and
 * `planCapabilitySets` separately to change the uid between them.
 */
export function planCapabilities(
  program: ProgramScope,
  capabilities: CapabilitiesInput,
  options: PlanCapabilitiesOptions = {},
): CapabilitySetsPlan {
  planBoundingSet(program, capabilities, options);
  return planCapabilitySets(program, capabilities, options);
}

function maskOf(names: readonly string[]): bigint {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capabilityNumber(name) as number);
  return mask;
}

function unsupported(sets: CapabilitySets, last: number): string[] {
  const out = new Set<string>();
  for (const names of Object.values(sets)) {
    for (const name of names) if ((capabilityNumber(name) as number) > last) out.add(name);
  }
  return [...out];
}
