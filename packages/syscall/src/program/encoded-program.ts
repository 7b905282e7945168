import { type Arch, archFromId } from '../arch.js';
import { GcError } from '../errors.js';
import { syscallName } from '../syscall-table.js';
import { type DecodedArg, decodeProgram, readArenaString } from './decode.js';
import { formatProgram } from './explain.js';
import {
  ARG_SIZE,
  argKindName,
  FD_ENTRY_SIZE,
  HEADER,
  HEADER_SIZE,
  OP,
  OP_SIZE,
  type OpKind,
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
    const trusted = opts.trusted ? readTrusted(own) : undefined;
    const checked = trusted === undefined ? decodeProgram(own) : undefined;
    super({ arch: trusted?.arch ?? (checked as NonNullable<typeof checked>).arch });
    this.#bytes = own;
    const owner = {};
    this.#ops =
      trusted?.ops ??
      (checked as NonNullable<typeof checked>).ops.map(
        (op): OpInfo => ({
          index: op.index,
          kind: op.kind,
          syscall: op.syscall,
          nr: op.nr,
          args: op.args.map((arg) => toArg(arg, owner)),
          encoded: op.args,
          tolerate: op.tolerate,
          label: op.label,
          pkg: op.pkg,
          labelOff: 0,
          pkgOff: 0,
        }),
      );
    this.#fds = trusted?.fds ?? (checked as NonNullable<typeof checked>).fds;
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

/** An argument as `OpInfo.args` holds it for a program read back. */
function toArg(arg: DecodedArg, owner: object): Arg {
  return arg.kind === 'syncFd' ? SYNC_FD : arg.kind === 'ref' ? new OpRef(owner, Number(arg.value)) : arg.value;
}

/**
 * One op of a trusted blob, read when asked for: spawn looks at every op's
 * kind but at a few ops' arguments, and an error at one label.
 */
class TrustedOp implements OpInfo {
  readonly index: number;
  readonly kind: OpKind;
  readonly nr: number;
  readonly labelOff = 0;
  readonly pkgOff = 0;
  readonly #table: OpTable;
  readonly #base: number;
  #args: Arg[] | undefined;
  #encoded: DecodedArg[] | undefined;

  constructor(table: OpTable, index: number, kind: OpKind) {
    this.#table = table;
    this.index = index;
    this.kind = kind;
    this.#base = table.opsOff + index * OP_SIZE;
    this.nr = table.view.getUint32(this.#base + OP.nr, true);
  }

  get syscall(): string | undefined {
    return this.kind === 'syscall' ? syscallName(this.nr, this.#table.arch) : undefined;
  }

  get encoded(): readonly DecodedArg[] {
    if (this.#encoded === undefined) {
      const { view } = this.#table;
      const nargs = view.getUint8(this.#base + OP.nargs);
      this.#encoded = [];
      for (let a = 0; a < nargs; a++) {
        const at = this.#base + OP.args + a * ARG_SIZE;
        this.#encoded.push({
          kind: argKindName(view.getUint32(at, true)) ?? 'imm',
          value: view.getBigInt64(at + 8, true),
        });
      }
    }
    return this.#encoded;
  }

  get args(): readonly Arg[] {
    this.#args ??= this.encoded.map((arg) => toArg(arg, this.#table));
    return this.#args;
  }

  get tolerate(): readonly number[] {
    const { view } = this.#table;
    const ntol = view.getUint8(this.#base + OP.ntol);
    const out: number[] = [];
    for (let t = 0; t < ntol; t++) out.push(view.getUint16(this.#base + OP.tol + t * 2, true));
    return out;
  }

  get label(): string {
    return this.#table.text(this.#table.view.getUint32(this.#base + OP.labelOff, true));
  }

  get pkg(): string {
    return this.#table.text(this.#table.view.getUint32(this.#base + OP.pkgOff, true));
  }
}

interface OpTable {
  readonly view: DataView;
  readonly arch: Arch;
  readonly opsOff: number;
  text(offset: number): string;
}

/** The op table of our own blob: the header checked, each op read when asked for. */
function readTrusted(bytes: Uint8Array): { arch: Arch; fds: FdEntry[]; ops: TrustedOp[] } {
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
  const table: OpTable = { view, arch, opsOff, text: (off) => readArenaString(arena, off) ?? '' };
  const fds: FdEntry[] = [];
  for (let i = 0; i < fdCount; i++) {
    const at = fdsOff + i * FD_ENTRY_SIZE;
    fds.push({ target: view.getInt32(at, true), source: view.getInt32(at + 4, true) });
  }
  const ops: TrustedOp[] = [];
  for (let index = 0; index < opCount; index++) {
    const kind = opKindName(bytes[opsOff + index * OP_SIZE + OP.kind] as number);
    if (kind === undefined) throw bad(`op ${index} has no known kind`);
    ops.push(new TrustedOp(table, index, kind));
  }
  return { arch, fds, ops };
}

function bad(what: string): GcError {
  return new GcError('EBADPROGRAM', `invalid program: ${what}`);
}

function complete(): never {
  throw new GcError('EPROGRAM_ENCODED', 'an encoded program is complete: nothing can be planned into it');
}
