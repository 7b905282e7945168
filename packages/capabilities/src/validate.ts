import { GcError } from '@gc/syscall';
import { capabilityNumber } from './names.js';
import { INVALID_CONFIG } from './pkg.js';
import { CAPABILITY_SETS, type CapabilitySetName, type CapabilitySets } from './sets.js';

/**
 * Check OCI `process.capabilities` and normalise it: every set present
 * (a missing one is empty), duplicates removed, names in number order.
 * Errors name the field: `process.capabilities.bounding[3]: "CAP_FOO" is not
 * a capability`.
 *
 * Also refused here rather than as an EPERM from the child, because
 * capset(2) and prctl(2) would refuse them: an effective capability that is
 * not permitted, an inheritable one outside the bounding set. An ambient
 * one that is not both permitted and inheritable is dropped, as runc skips
 * it (with a warning): the kernel would refuse to raise it.
 *
 * A config without `process.capabilities` means "leave them as they are" to
 * runc; the runtime then plans nothing, rather than calling this.
 */
export function validateCapabilities(input: unknown, field = 'process.capabilities'): CapabilitySets {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GcError(INVALID_CONFIG, `${field}: expected an object of capability sets, got ${describe(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!(CAPABILITY_SETS as readonly string[]).includes(key)) {
      throw new GcError(
        INVALID_CONFIG,
        `${field}.${key}: not a capability set (expected bounding, effective, permitted, inheritable or ambient)`,
      );
    }
  }
  const record = input as Record<string, unknown>;
  const numbers = {} as Record<CapabilitySetName, Set<number>>;
  for (const set of CAPABILITY_SETS) numbers[set] = parseSet(record[set], `${field}.${set}`);

  requireSubset(
    record,
    field,
    'effective',
    numbers.permitted,
    'permitted',
    'capset(2) refuses an effective capability that is not permitted',
  );
  requireSubset(
    record,
    field,
    'inheritable',
    numbers.bounding,
    'bounding',
    'capset(2) refuses an inheritable capability outside the bounding set',
  );
  // runc raises the ambient capabilities it can and only warns about the
  // others (its own `runc spec` lists ambient ones that are not
  // inheritable): the kernel raises one only if it is permitted and
  // inheritable, so the others are dropped here.
  for (const cap of [...numbers.ambient]) {
    if (!numbers.permitted.has(cap) || !numbers.inheritable.has(cap)) numbers.ambient.delete(cap);
  }

  const out = {} as Record<CapabilitySetName, readonly string[]>;
  for (const set of CAPABILITY_SETS) out[set] = namesInOrder(record[set], numbers[set]);
  return out;
}

function parseSet(value: unknown, field: string): Set<number> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value))
    throw new GcError(INVALID_CONFIG, `${field}: expected an array of capability names, got ${describe(value)}`);
  const out = new Set<number>();
  value.forEach((name: unknown, i) => {
    const n = typeof name === 'string' ? capabilityNumber(name) : undefined;
    if (n === undefined) {
      const hint = typeof name === 'string' ? didYouMean(name) : '';
      throw new GcError(INVALID_CONFIG, `${field}[${i}]: ${JSON.stringify(name)} is not a capability${hint}`);
    }
    out.add(n);
  });
  return out;
}

/** `net_admin` or `cap_net_admin` for `CAP_NET_ADMIN`: OCI wants the exact header name, Docker's flags do not. */
function didYouMean(name: string): string {
  const upper = name.toUpperCase();
  const guess = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return guess !== name && capabilityNumber(guess) !== undefined ? ` (did you mean "${guess}"?)` : '';
}

function requireSubset(
  record: Record<string, unknown>,
  field: string,
  set: CapabilitySetName,
  of: Set<number>,
  ofName: CapabilitySetName,
  why: string,
): void {
  const names = (record[set] ?? []) as string[];
  names.forEach((name, i) => {
    if (!of.has(capabilityNumber(name) as number)) {
      throw new GcError(
        INVALID_CONFIG,
        `${field}.${set}[${i}]: ${JSON.stringify(name)} is not in ${field}.${ofName}: ${why}`,
      );
    }
  });
}

function namesInOrder(value: unknown, numbers: Set<number>): string[] {
  const byNumber = new Map<number, string>();
  for (const name of (value ?? []) as string[]) byNumber.set(capabilityNumber(name) as number, name);
  return [...numbers].sort((a, b) => a - b).map((n) => byNumber.get(n) as string);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}
