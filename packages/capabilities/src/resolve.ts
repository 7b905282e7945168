import { GcError } from '@gc/syscall';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { allCapabilities, capabilityNumber } from './names.js';
import { INVALID_CONFIG } from './pkg.js';
import type { CapabilitySets } from './sets.js';

/** The word that stands for every capability in `--cap-add` and `--cap-drop`. */
export const ALL_CAPABILITIES = 'ALL';

export interface ResolveCapabilitiesOptions {
  /** The set to start from (default: Docker's default set). */
  readonly base?: readonly string[];
  /** `--cap-add` values: `NET_ADMIN`, `cap_net_admin`, `CAP_NET_ADMIN` or `ALL`. */
  readonly add?: readonly string[];
  /** `--cap-drop` values, in the same forms. */
  readonly drop?: readonly string[];
  /** `--privileged`: every capability of the running kernel, whatever add and drop say. */
  readonly privileged?: boolean;
  /** The kernel's last capability, for `ALL` (default: /proc/sys/kernel/cap_last_cap). */
  readonly lastCap?: number;
}

/**
 * The capability list of a container as Docker computes it from `--cap-add`,
 * `--cap-drop` and `--privileged` (moby `caps.TweakCapabilities`):
 * - privileged: every capability;
 * - `--cap-add ALL`: every capability but the dropped ones;
 * - `--cap-drop ALL`: only the added ones;
 * - otherwise the base minus the dropped, plus the added.
 * Names are case-insensitive, with or without `CAP_`. The result is in
 * capability-number order, without duplicates.
 */
export function resolveCapabilities(options: ResolveCapabilitiesOptions = {}): string[] {
  const all = () => allCapabilities(options.lastCap);
  if (options.privileged) return all();
  const add = (options.add ?? []).map((v) => normalizeCapabilityFlag(v, '--cap-add'));
  const drop = (options.drop ?? []).map((v) => normalizeCapabilityFlag(v, '--cap-drop'));
  const base = options.base ?? DOCKER_DEFAULT_CAPABILITIES;
  let caps: string[];
  if (add.includes(ALL_CAPABILITIES)) caps = all().filter((c) => !drop.includes(c));
  else if (drop.includes(ALL_CAPABILITIES)) caps = add;
  else caps = [...base.filter((c) => !drop.includes(c)), ...add];
  return inNumberOrder(caps);
}

/**
 * One `--cap-add` / `--cap-drop` value as Docker reads it: upper-cased,
 * `CAP_` added when missing; `ALL` stays `ALL`.
 */
export function normalizeCapabilityFlag(value: string, field = '--cap-add'): string {
  if (typeof value !== 'string' || value === '') {
    throw new GcError(INVALID_CONFIG, `${field}: expected a capability name, got ${JSON.stringify(value)}`);
  }
  const upper = value.toUpperCase();
  if (upper === ALL_CAPABILITIES) return upper;
  const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (capabilityNumber(name) === undefined) {
    throw new GcError(INVALID_CONFIG, `${field}: unknown capability ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * The five sets Docker puts in the OCI config for a capability list
 * (moby `oci.SetCapabilities`): bounding, effective and permitted get the
 * list, inheritable and ambient stay empty (CVE-2022-24769). A non-root user
 * starts with empty effective and permitted sets, as after an execve(2).
 */
export function dockerCapabilitySets(caps: readonly string[], options: { uid?: number } = {}): CapabilitySets {
  const list = inNumberOrder(caps);
  const root = (options.uid ?? 0) === 0;
  return { bounding: list, effective: root ? list : [], permitted: root ? list : [], inheritable: [], ambient: [] };
}

function inNumberOrder(caps: readonly string[]): string[] {
  const numbers = new Map<number, string>();
  for (const c of caps) {
    const n = capabilityNumber(c);
    if (n === undefined) throw new GcError(INVALID_CONFIG, `${JSON.stringify(c)} is not a capability`);
    numbers.set(n, c);
  }
  return [...numbers.keys()].sort((a, b) => a - b).map((n) => numbers.get(n) as string);
}
