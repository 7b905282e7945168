import { CAP_MAX, capabilityName, capabilityNumber } from './names.js';

/**
 * The names of the bits set in a capability mask as /proc/PID/status prints
 * it (`00000000a80425fb`, with or without `0x`), in number order.
 */
export function parseCapabilityMask(hex: string): string[] {
  const text = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(text))
    throw new TypeError(`capability mask ${JSON.stringify(hex)} is not up to 16 hex digits`);
  return namesOfMask(BigInt(`0x${text}`));
}

/** The names of the bits set in `mask`, in number order. */
export function namesOfMask(mask: bigint): string[] {
  const out: string[] = [];
  for (let n = 0; n <= CAP_MAX; n++) if ((mask >> BigInt(n)) & 1n) out.push(capabilityName(n));
  return out;
}

/** The mask of a list of capability names; throws on a name that is not a capability. */
export function capabilityMask(names: Iterable<string>): bigint {
  let mask = 0n;
  for (const name of names) {
    const n = capabilityNumber(name);
    if (n === undefined) throw new TypeError(`${JSON.stringify(name)} is not a capability`);
    mask |= 1n << BigInt(n);
  }
  return mask;
}

/** A mask as /proc/PID/status prints it: 16 lower-case hex digits. */
export function formatCapabilityMask(mask: bigint): string {
  return BigInt.asUintN(64, mask).toString(16).padStart(16, '0');
}
