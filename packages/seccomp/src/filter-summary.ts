import { BPF_K, BPF_RET, SOCK_FILTER_SIZE } from './bpf.js';
import type { CompiledFilter } from './compile.js';
import { BPF_MAXINSNS, SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FLAGS } from './constants.js';

/**
 * What loading a compiled filter takes, and all that planSeccomp keeps of
 * it: what a FilterCache stores. `decodeFilter(bytes)` gives the
 * instructions; `describeAction(defaultAction)` names the default.
 */
export interface CompiledFilterSummary {
  /** The filter as `struct sock_filter[]` bytes. */
  readonly bytes: Uint8Array;
  /** `bytes.length / 8`: 1 to 4096. */
  readonly instructionCount: number;
  /** SECCOMP_FILTER_FLAG_* for the load (NEW_LISTENER when a rule notifies). */
  readonly flags: number;
  /** The load returns a listener fd (SCMP_ACT_NOTIFY is used). */
  readonly needsListener: boolean;
  /** The profile's default action as a filter return value (action | data). */
  readonly defaultAction: number;
}

/** The summary of a filter from `compileSeccomp` or `compileNormalized`. */
export function summarizeFilter(filter: CompiledFilter): CompiledFilterSummary {
  return {
    bytes: filter.bytes,
    instructionCount: filter.instructions.length,
    flags: filter.flags,
    needsListener: filter.needsListener,
    defaultAction: filter.profile.defaultAction,
  };
}

const KNOWN_FLAGS = Object.values(SECCOMP_FLAGS).reduce((a, b) => a | b, 0);
const RET_K = BPF_RET | BPF_K;

/**
 * Whether `value` is a well-formed summary, e.g. one read back from a cache:
 * whole instructions, 1 to 4096 of them, the last a `ret`, known flags that
 * agree with `needsListener`, a 32-bit default action.
 */
export function isFilterSummary(value: unknown): value is CompiledFilterSummary {
  if (typeof value !== 'object' || value === null) return false;
  const { bytes, instructionCount, flags, needsListener, defaultAction } = value as Record<string, unknown>;
  if (!(bytes instanceof Uint8Array) || !Number.isInteger(instructionCount)) return false;
  const count = instructionCount as number;
  if (count < 1 || count > BPF_MAXINSNS || bytes.length !== count * SOCK_FILTER_SIZE) return false;
  if (!Number.isInteger(flags) || (flags as number) < 0 || ((flags as number) & ~KNOWN_FLAGS) !== 0) return false;
  if (needsListener !== (((flags as number) & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0)) return false;
  if (!Number.isInteger(defaultAction) || (defaultAction as number) < 0 || (defaultAction as number) > 0xffffffff) {
    return false;
  }
  const last = bytes.length - SOCK_FILTER_SIZE;
  return ((bytes[last] as number) | ((bytes[last + 1] as number) << 8)) === RET_K;
}
