import type { ArenaPtr } from './arena.js';
import type { ArgKind, OpKind } from './format.js';

/** The result of an earlier op, passed as an argument (REF): `$2` in `Program.toString()`. */
export class OpRef {
  /** @internal Which program's ops `index` counts. */
  readonly owner: object;
  readonly index: number;

  /** @internal */
  constructor(owner: object, index: number) {
    this.owner = owner;
    this.index = index;
  }

  toString(): string {
    return `$${this.index}`;
  }
}

/** The child's end of the sync socket, as an argument (SYNC_FD). */
export class SyncFd {
  toString(): string {
    return 'SYNC_FD';
  }
}

/** The one SYNC_FD marker; also `program.syncFd`. */
export const SYNC_FD: SyncFd = Object.freeze(new SyncFd());

/**
 * An op argument. Numbers and bigints are passed as they are (IMM); a string
 * becomes a C string, a string array a NULL-terminated `char *[]`, a
 * Uint8Array a buffer (all PTR); `null` is IMM 0; an `OpRef` is the result of
 * an earlier op (REF). Flags with bit 31 set should be bigints: a negative
 * number is sign-extended, which is right for `AT_FDCWD` and wrong for flags.
 */
export type Arg = number | bigint | string | readonly string[] | Uint8Array | null | OpRef | ArenaPtr | SyncFd;

/** An argument as it is written in the op table. */
export interface EncodedArg {
  readonly kind: ArgKind;
  /** The i64 as written (two's complement for values of 2^63 and above). */
  readonly value: bigint;
}

/** An fd the child gets: fd `target` in the child is what fd `source` is in the parent. */
export interface FdEntry {
  readonly target: number;
  readonly source: number;
}

/** One planned op. */
export interface OpInfo {
  readonly index: number;
  readonly kind: OpKind;
  /** The syscall's name, for SYSCALL ops. */
  readonly syscall: string | undefined;
  /** The syscall number for the program's arch; 0 for other kinds. */
  readonly nr: number;
  /** The arguments as planned (strings, arrays, refs), for explaining. */
  readonly args: readonly Arg[];
  /** The arguments as encoded. */
  readonly encoded: readonly EncodedArg[];
  /** Tolerated errno numbers. */
  readonly tolerate: readonly number[];
  readonly label: string;
  /** The package that planned the op (`@gc/rootfs`). */
  readonly pkg: string;
  /** Arena offsets of the label and package strings. */
  readonly labelOff: number;
  readonly pkgOff: number;
}

/** What an op index (as a failing child reports it) stands for. */
export interface OpDescription {
  readonly label: string;
  readonly pkg: string;
  readonly kind: OpKind | 'prologue';
  readonly syscall?: string;
}
