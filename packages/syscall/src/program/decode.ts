import { type Arch, archFromId } from '../arch.js';
import { GcError } from '../errors.js';
import { syscallName } from '../syscall-table.js';
import type { ProgramLayout } from './encode.js';
import {
  ARG_SIZE,
  type ArgKind,
  argKindName,
  FD_ENTRY_SIZE,
  HEADER,
  HEADER_SIZE,
  MAX_ARGS,
  MAX_FDS,
  MAX_TOLERATED,
  OP,
  OP_SIZE,
  type OpKind,
  opKindName,
  PROGRAM_MAGIC,
  PROGRAM_VERSION,
  RELOC_ENTRY_SIZE,
  RESULT_SIZE,
} from './format.js';
import type { FdEntry } from './op.js';

export interface DecodedArg {
  readonly kind: ArgKind;
  readonly value: bigint;
}

export interface DecodedOp {
  readonly index: number;
  readonly kind: OpKind;
  readonly nr: number;
  /** The syscall's name for the program's arch, if the table knows the number. */
  readonly syscall: string | undefined;
  readonly label: string;
  readonly pkg: string;
  readonly args: readonly DecodedArg[];
  readonly tolerate: readonly number[];
}

/** A blob read back: what the executor will see. */
export interface DecodedProgram {
  readonly version: number;
  readonly arch: Arch;
  readonly layout: ProgramLayout;
  readonly ops: readonly DecodedOp[];
  readonly fds: readonly FdEntry[];
  /** Arena offsets of the slots the executor relocates. */
  readonly relocs: readonly number[];
  /** A copy of the arena, before relocation. */
  readonly arena: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bad(what: string): GcError {
  return new GcError('EBADPROGRAM', `invalid program: ${what}`);
}

/** The NUL-terminated UTF-8 string at `offset` of an arena, or undefined if there is none. */
export function readArenaString(arena: Uint8Array, offset: number): string | undefined {
  if (!Number.isInteger(offset) || offset < 0 || offset >= arena.length) return undefined;
  const end = arena.indexOf(0, offset);
  if (end < 0) return undefined;
  try {
    return utf8.decode(arena.subarray(offset, end));
  } catch {
    return undefined;
  }
}

/** The u64 at `offset` of an arena (a relocation slot holds an arena offset). */
export function readArenaU64(arena: Uint8Array, offset: number): bigint {
  return new DataView(arena.buffer, arena.byteOffset, arena.byteLength).getBigUint64(offset, true);
}

/**
 * Reads a serialised program and checks what the executor checks (and a bit
 * more: zero padding, unused args and results), throwing GcError
 * `EBADPROGRAM` naming the field at fault.
 */
export function decodeProgram(bytes: Uint8Array): DecodedProgram {
  if (!(bytes instanceof Uint8Array)) throw bad('expected a Uint8Array');
  if (bytes.length < HEADER_SIZE) throw bad(`${bytes.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);

  const magic = u32(HEADER.magic);
  if (magic !== PROGRAM_MAGIC)
    throw bad(`header magic is 0x${magic.toString(16)}, expected 0x${PROGRAM_MAGIC.toString(16)}`);
  const version = view.getUint16(HEADER.version, true);
  if (version !== PROGRAM_VERSION) throw bad(`header version is ${version}, expected ${PROGRAM_VERSION}`);
  const archId = view.getUint16(HEADER.arch, true);
  let arch: Arch;
  try {
    arch = archFromId(archId);
  } catch {
    throw bad(`header arch is ${archId}, expected 1 (x64) or 2 (arm64)`);
  }
  const opCount = u32(HEADER.opCount);
  const fdCount = u32(HEADER.fdCount);
  const relocCount = u32(HEADER.relocCount);
  const layout: ProgramLayout = {
    opsOff: u32(HEADER.opsOff),
    fdsOff: u32(HEADER.fdsOff),
    relocOff: u32(HEADER.relocOff),
    resultsOff: u32(HEADER.resultsOff),
    arenaOff: u32(HEADER.arenaOff),
    arenaLen: u32(HEADER.arenaLen),
    totalLen: u32(HEADER.totalLen),
  };
  if (layout.totalLen !== bytes.length)
    throw bad(`header total_len is ${layout.totalLen}, but the blob is ${bytes.length} bytes`);
  if (u32(HEADER.flags) !== 0) throw bad(`header flags is ${u32(HEADER.flags)}, expected 0`);
  for (let i = HEADER.reserved; i < HEADER_SIZE; i++)
    if (bytes[i] !== 0) throw bad(`header reserved byte ${i} is not zero`);
  if (fdCount > MAX_FDS) throw bad(`header fd_count is ${fdCount}, at most ${MAX_FDS}`);

  const sections: Array<[string, number, number]> = [
    ['ops_off', layout.opsOff, opCount * OP_SIZE],
    ['fds_off', layout.fdsOff, fdCount * FD_ENTRY_SIZE],
    ['reloc_off', layout.relocOff, relocCount * RELOC_ENTRY_SIZE],
    ['results_off', layout.resultsOff, opCount * RESULT_SIZE],
    ['arena_off', layout.arenaOff, layout.arenaLen],
  ];
  for (const [name, off, size] of sections) {
    if (off % 8 !== 0) throw bad(`header ${name} ${off} is not 8-aligned`);
    if (off < HEADER_SIZE || off + size > bytes.length) {
      throw bad(`header ${name} ${off} (+${size} bytes) is outside the ${bytes.length}-byte blob`);
    }
  }

  const arena = bytes.slice(layout.arenaOff, layout.arenaOff + layout.arenaLen);
  const arenaString = (off: number, what: string) => {
    const s = readArenaString(arena, off);
    if (s === undefined) throw bad(`${what} ${off} is not a NUL-terminated string in the ${arena.length}-byte arena`);
    return s;
  };

  const relocs: number[] = [];
  for (let i = 0; i < relocCount; i++) {
    const slot = u32(layout.relocOff + i * RELOC_ENTRY_SIZE);
    if (slot % 8 !== 0 || slot + 8 > arena.length)
      throw bad(`relocation ${i} slot ${slot} is not an aligned u64 inside the arena`);
    const target = readArenaU64(arena, slot);
    if (target >= BigInt(arena.length)) throw bad(`relocation ${i}: slot ${slot} holds ${target}, outside the arena`);
    relocs.push(slot);
  }

  const fds: FdEntry[] = [];
  const targets = new Set<number>();
  for (let i = 0; i < fdCount; i++) {
    const target = view.getInt32(layout.fdsOff + i * FD_ENTRY_SIZE, true);
    const source = view.getInt32(layout.fdsOff + i * FD_ENTRY_SIZE + 4, true);
    if (target < 0 || source < 0) throw bad(`fd entry ${i} (${target} <- ${source}) is negative`);
    if (targets.has(target)) throw bad(`fd entry ${i} target ${target} is a duplicate`);
    targets.add(target);
    fds.push({ target, source });
  }

  for (let i = 0; i < opCount * RESULT_SIZE; i++) {
    if (bytes[layout.resultsOff + i] !== 0) throw bad(`result of op ${Math.floor(i / RESULT_SIZE)} is not zero`);
  }

  const ops: DecodedOp[] = [];
  for (let index = 0; index < opCount; index++) {
    const base = layout.opsOff + index * OP_SIZE;
    const where = `op ${index}`;
    const kindId = view.getUint8(base + OP.kind);
    const kind = opKindName(kindId);
    if (kind === undefined) throw bad(`${where} kind is ${kindId}, expected 1..9`);
    const nargs = view.getUint8(base + OP.nargs);
    const ntol = view.getUint8(base + OP.ntol);
    if (nargs > MAX_ARGS) throw bad(`${where} nargs is ${nargs}, at most ${MAX_ARGS}`);
    if (ntol > MAX_TOLERATED) throw bad(`${where} ntol is ${ntol}, at most ${MAX_TOLERATED}`);
    if (view.getUint8(base + OP.flags) !== 0) throw bad(`${where} flags is not 0`);
    const nr = u32(base + OP.nr);
    if (kind !== 'syscall' && nr !== 0) throw bad(`${where} is a ${kind} op with nr ${nr}, expected 0`);
    const label = arenaString(u32(base + OP.labelOff), `${where} label_off`);
    const pkg = arenaString(u32(base + OP.pkgOff), `${where} pkg_off`);

    const args: DecodedArg[] = [];
    for (let a = 0; a < MAX_ARGS; a++) {
      const at = base + OP.args + a * ARG_SIZE;
      const argKindId = u32(at);
      const argKind = argKindName(argKindId);
      const value = view.getBigInt64(at + 8, true);
      if (argKind === undefined) throw bad(`${where} arg ${a} kind is ${argKindId}, expected 0..3`);
      if (u32(at + 4) !== 0) throw bad(`${where} arg ${a} reserved field is not 0`);
      if (a >= nargs) {
        if (argKind !== 'imm' || value !== 0n) throw bad(`${where} arg ${a} is unused (nargs ${nargs}) but not IMM 0`);
        continue;
      }
      if (argKind === 'ptr' && (value < 0n || value > BigInt(arena.length))) {
        throw bad(`${where} arg ${a} points at ${value}, outside the ${arena.length}-byte arena`);
      }
      if (argKind === 'ref' && (value < 0n || value >= BigInt(index))) {
        throw bad(`${where} arg ${a} refers to op ${value}, which does not run before it`);
      }
      args.push({ kind: argKind, value });
    }

    const tolerate: number[] = [];
    for (let t = 0; t < MAX_TOLERATED; t++) {
      const errno = view.getUint16(base + OP.tol + t * 2, true);
      if (t < ntol) tolerate.push(errno);
      else if (errno !== 0) throw bad(`${where} tol ${t} is unused (ntol ${ntol}) but not 0`);
    }

    if (kind === 'store') {
      const [, dest, width] = args;
      const w = width?.kind === 'imm' ? Number(width.value) : 0;
      if (nargs !== 3 || dest?.kind !== 'ptr' || ![1, 2, 4, 8].includes(w) || Number(dest.value) + w > arena.length) {
        throw bad(`${where} is a store without (value, in-arena PTR, width 1/2/4/8)`);
      }
    }

    if (kind === 'run') {
      const [path, argv, envp, , , timeout] = args;
      if (
        nargs !== 6 ||
        path?.kind !== 'ptr' ||
        readArenaString(arena, Number(path.value)) === undefined ||
        argv?.kind !== 'ptr' ||
        envp?.kind !== 'ptr' ||
        timeout?.kind !== 'imm' ||
        timeout.value < 0n
      ) {
        throw bad(`${where} is a run without (PTR path, PTR argv, PTR envp, stdin, output, IMM timeout >= 0)`);
      }
    }

    ops.push({
      index,
      kind,
      nr,
      syscall: kind === 'syscall' ? syscallName(nr, arch) : undefined,
      label,
      pkg,
      args,
      tolerate,
    });
  }

  return { version, arch, layout, ops, fds, relocs, arena };
}
