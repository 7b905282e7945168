// Helpers shared by the tests (not exported from the package).
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64 } from './constants.js';

export const AUDIT_OF = {
  x86_64: AUDIT_ARCH_X86_64,
  x32: AUDIT_ARCH_X86_64,
  x86: AUDIT_ARCH_I386,
  aarch64: AUDIT_ARCH_AARCH64,
  arm: AUDIT_ARCH_ARM,
} as const;

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
