import { archFromId } from '../arch.js';
import { GcError } from '../errors.js';
import { syscallName } from '../syscall-table.js';
import { type DecodedArg, type DecodedOp, type DecodedProgram, decodeProgram, readArenaString } from './decode.js';
import { formatProgram } from './explain.js';
import {
  ARG_SIZE,
  argKindName,
  FD_ENTRY_SIZE,
  HEADER,
  HEADER_SIZE,
  OP,
  OP_SIZE,
  opKindName,
  PROGRAM_MAGIC,
  PROGRAM_VERSION,
  PROLOGUE_OP_INDEX,
} from './format.js';
import { type Arg, type FdEntry, type OpDescription, type OpInfo, OpRef, SYNC_FD } from './op.js';
import { Program, type ProgramScope } from './program.js';

const PROLOGUE: OpDescription = { label: 'prepare the child (signals, fds)', pkg: '@gc/syscall', kind: 'prologue' };

/**
 * A program read back from its blob (`Program.encode()`), to spawn as it is:
 * a cached plan. It encodes to exactly those bytes; its ops describe each op
 * as the blob does (label, package, kind, syscall, tolerated errnos), with
 * `args` holding the encoded values (an arena offset for a pointer, an
 * `OpRef` for an earlier op's result, `SYNC_FD`). The blob is validated as
 * the executor validates it. Nothing can be planned into it.
 */
export interface EncodedProgramOptions {
  /**
   * The bytes come from `Program.encode()` and were kept intact (a
   * checksummed cache entry): read the op table without checking every
   * field as `decodeProgram` does, and each label only when asked for. The
   * header is checked either way.
   */
  readonly trusted?: boolean;
}

export class EncodedProgram extends Program {
  readonly #bytes: Uint8Array;
  readonly #ops: readonly OpInfo[];
  readonly #fds: readonly FdEntry[];

  constructor(bytes: Uint8Array, opts: EncodedProgramOptions = {}) {
    // A copy of our own: the ops read it when asked, long after the caller's buffer may have changed.
    const own = bytes.slice();
    const decoded = opts.trusted ? readTrusted(own) : decodeProgram(own);
    super({ arch: decoded.arch });
    this.#bytes = own;
    const owner = {};
    this.#ops = decoded.ops.map((op): OpInfo => {
      let args: Arg[] | undefined;
      return {
        index: op.index,
        kind: op.kind,
        syscall: op.syscall,
        nr: op.nr,
        // Read when asked for: spawn looks at a few ops' arguments, errors at one label.
        get args() {
          args ??= op.args.map(
            (arg): Arg =>
              arg.kind === 'syncFd' ? SYNC_FD : arg.kind === 'ref' ? new OpRef(owner, Number(arg.value)) : arg.value,
          );
          return args;
        },
        get encoded() {
          return op.args;
        },
        get tolerate() {
          return op.tolerate;
        },
        get label() {
          return op.label;
        },
        get pkg() {
          return op.pkg;
        },
        labelOff: 0,
        pkgOff: 0,
      };
    });
    this.#fds = decoded.fds;
  }

  override get ops(): readonly OpInfo[] {
    return this.#ops;
  }

  override get fds(): readonly FdEntry[] {
    return this.#fds;
  }

  override describe(index: number): OpDescription {
    if (index === PROLOGUE_OP_INDEX) return PROLOGUE;
    const op = this.#ops[index];
    if (!op) throw new RangeError(`op index ${index} is outside the program's ${this.#ops.length} ops`);
    return op.syscall === undefined
      ? { label: op.label, pkg: op.pkg, kind: op.kind }
      : { label: op.label, pkg: op.pkg, kind: op.kind, syscall: op.syscall };
  }

  override encode(..._: unknown[]): Uint8Array {
    return this.#bytes;
  }

  override toString(..._: unknown[]): string {
    return formatProgram(this.arch, this.#ops, this.#fds);
  }

  override scope(..._: unknown[]): ProgramScope {
    return complete();
  }
  override syscall(..._: unknown[]): OpRef {
    return complete();
  }
  override wait(..._: unknown[]): OpRef {
    return complete();
  }
  override notify(..._: unknown[]): OpRef {
    return complete();
  }
  override fork(..._: unknown[]): OpRef {
    return complete();
  }
  override execvp(..._: unknown[]): OpRef {
    return complete();
  }
  override lookPath(..._: unknown[]): OpRef {
    return complete();
  }
  override reexec(..._: unknown[]): OpRef {
    return complete();
  }
  override runAndWait(..._: unknown[]): OpRef {
    return complete();
  }
  override store(..._: unknown[]): OpRef {
    return complete();
  }
  override keepFd(..._: unknown[]): number {
    return complete();
  }
  override setFds(..._: unknown[]): this {
    return complete();
  }
}

/** The op table of our own blob: the header checked, the labels read when asked for. */
function readTrusted(bytes: Uint8Array): Pick<DecodedProgram, 'arch' | 'fds'> & { ops: DecodedOp[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  if (bytes.length < HEADER_SIZE || u32(HEADER.magic) !== PROGRAM_MAGIC) throw bad('not a program');
  if (view.getUint16(HEADER.version, true) !== PROGRAM_VERSION) throw bad('another program version');
  if (u32(HEADER.totalLen) !== bytes.length) throw bad('the length is not the header total_len');
  const arch = archFromId(view.getUint16(HEADER.arch, true));
  const opCount = u32(HEADER.opCount);
  const opsOff = u32(HEADER.opsOff);
  const fdCount = u32(HEADER.fdCount);
  const fdsOff = u32(HEADER.fdsOff);
  const arenaOff = u32(HEADER.arenaOff);
  const arenaLen = u32(HEADER.arenaLen);
  if (opsOff + opCount * OP_SIZE > bytes.length || fdsOff + fdCount * FD_ENTRY_SIZE > bytes.length) {
    throw bad('a table is outside the blob');
  }
  if (arenaOff + arenaLen > bytes.length) throw bad('the arena is outside the blob');
  const arena = bytes.subarray(arenaOff, arenaOff + arenaLen);
  const text = (off: number) => readArenaString(arena, off) ?? '';
  const fds: FdEntry[] = [];
  for (let i = 0; i < fdCount; i++) {
    fds.push({
      target: view.getInt32(fdsOff + i * FD_ENTRY_SIZE, true),
      source: view.getInt32(fdsOff + i * FD_ENTRY_SIZE + 4, true),
    });
  }
  const ops: DecodedOp[] = [];
  for (let index = 0; index < opCount; index++) {
    const base = opsOff + index * OP_SIZE;
    const kind = opKindName(bytes[base + OP.kind] as number);
    if (kind === undefined) throw bad(`op ${index} has no known kind`);
    const nargs = bytes[base + OP.nargs] as number;
    const ntol = bytes[base + OP.ntol] as number;
    const nr = u32(base + OP.nr);
    const labelOff = u32(base + OP.labelOff);
    const pkgOff = u32(base + OP.pkgOff);
    let args: DecodedArg[] | undefined;
    let tolerate: number[] | undefined;
    let label: string | undefined;
    let pkg: string | undefined;
    ops.push({
      index,
      kind,
      nr,
      syscall: kind === 'syscall' ? syscallName(nr, arch) : undefined,
      get args() {
        if (args === undefined) {
          args = [];
          for (let a = 0; a < nargs; a++) {
            const at = base + OP.args + a * ARG_SIZE;
            args.push({ kind: argKindName(u32(at)) ?? 'imm', value: view.getBigInt64(at + 8, true) });
          }
        }
        return args;
      },
      get tolerate() {
        if (tolerate === undefined) {
          tolerate = [];
          for (let t = 0; t < ntol; t++) tolerate.push(view.getUint16(base + OP.tol + t * 2, true));
        }
        return tolerate;
      },
      get label() {
        label ??= text(labelOff);
        return label;
      },
      get pkg() {
        pkg ??= text(pkgOff);
        return pkg;
      },
    });
  }
  return { arch, fds, ops };
}

function bad(what: string): GcError {
  return new GcError('EBADPROGRAM', `invalid program: ${what}`);
}

function complete(): never {
  throw new GcError('EPROGRAM_ENCODED', 'an encoded program is complete: nothing can be planned into it');
}
