import { type Arch, archId } from '../arch.js';
import type { Arena } from './arena.js';
import {
  ARG_KIND,
  ARG_SIZE,
  align8,
  FD_ENTRY_SIZE,
  HEADER,
  HEADER_SIZE,
  OP,
  OP_KIND,
  OP_SIZE,
  PROGRAM_MAGIC,
  PROGRAM_VERSION,
  RELOC_ENTRY_SIZE,
  RESULT_SIZE,
} from './format.js';
import type { FdEntry, OpInfo } from './op.js';

/** Where each section of a blob starts (docs/program-format.md, "Blob layout"). */
export interface ProgramLayout {
  readonly opsOff: number;
  readonly fdsOff: number;
  readonly relocOff: number;
  readonly resultsOff: number;
  readonly arenaOff: number;
  readonly arenaLen: number;
  readonly totalLen: number;
}

export function layoutProgram(opCount: number, fdCount: number, relocCount: number, arenaLen: number): ProgramLayout {
  const opsOff = HEADER_SIZE;
  const fdsOff = align8(opsOff + opCount * OP_SIZE);
  const relocOff = align8(fdsOff + fdCount * FD_ENTRY_SIZE);
  const resultsOff = align8(relocOff + relocCount * RELOC_ENTRY_SIZE);
  const arenaOff = align8(resultsOff + opCount * RESULT_SIZE);
  const paddedArena = align8(arenaLen);
  return { opsOff, fdsOff, relocOff, resultsOff, arenaOff, arenaLen: paddedArena, totalLen: arenaOff + paddedArena };
}

/** Serialises a planned program into one position-independent blob. */
export function encodeProgram(arch: Arch, ops: readonly OpInfo[], fds: readonly FdEntry[], arena: Arena): Uint8Array {
  const relocs = arena.relocations;
  const layout = layoutProgram(ops.length, fds.length, relocs.length, arena.length);
  if (layout.totalLen > 0xffffffff)
    throw new RangeError(`program is ${layout.totalLen} bytes: more than a u32 offset reaches`);
  const blob = new Uint8Array(layout.totalLen);
  const view = new DataView(blob.buffer);

  view.setUint32(HEADER.magic, PROGRAM_MAGIC, true);
  view.setUint16(HEADER.version, PROGRAM_VERSION, true);
  view.setUint16(HEADER.arch, archId(arch), true);
  view.setUint32(HEADER.opCount, ops.length, true);
  view.setUint32(HEADER.opsOff, layout.opsOff, true);
  view.setUint32(HEADER.fdCount, fds.length, true);
  view.setUint32(HEADER.fdsOff, layout.fdsOff, true);
  view.setUint32(HEADER.relocCount, relocs.length, true);
  view.setUint32(HEADER.relocOff, layout.relocOff, true);
  view.setUint32(HEADER.resultsOff, layout.resultsOff, true);
  view.setUint32(HEADER.arenaOff, layout.arenaOff, true);
  view.setUint32(HEADER.arenaLen, layout.arenaLen, true);
  view.setUint32(HEADER.totalLen, layout.totalLen, true);
  // flags and reserved stay zero.

  ops.forEach((op, i) => {
    const base = layout.opsOff + i * OP_SIZE;
    view.setUint8(base + OP.kind, OP_KIND[op.kind]);
    view.setUint8(base + OP.nargs, op.encoded.length);
    view.setUint8(base + OP.ntol, op.tolerate.length);
    view.setUint32(base + OP.nr, op.nr, true);
    view.setUint32(base + OP.labelOff, op.labelOff, true);
    view.setUint32(base + OP.pkgOff, op.pkgOff, true);
    op.encoded.forEach((arg, a) => {
      const at = base + OP.args + a * ARG_SIZE;
      view.setUint32(at, ARG_KIND[arg.kind], true);
      view.setBigInt64(at + 8, arg.value, true);
    });
    for (const [t, errno] of op.tolerate.entries()) view.setUint16(base + OP.tol + t * 2, errno, true);
  });

  fds.forEach((fd, i) => {
    view.setInt32(layout.fdsOff + i * FD_ENTRY_SIZE, fd.target, true);
    view.setInt32(layout.fdsOff + i * FD_ENTRY_SIZE + 4, fd.source, true);
  });
  for (const [i, slot] of relocs.entries()) view.setUint32(layout.relocOff + i * RELOC_ENTRY_SIZE, slot, true);
  blob.set(arena.bytesCopy(), layout.arenaOff);
  return blob;
}
