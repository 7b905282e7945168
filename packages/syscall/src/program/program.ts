import { type Arch, currentArch, isArch } from '../arch.js';
import {
  CLONE_CHILD_CLEARTID,
  CLONE_CHILD_SETTID,
  CLONE_PARENT_SETTID,
  CLONE_SETTLS,
  CLONE_SIGHAND,
  CLONE_THREAD,
  CLONE_VFORK,
  CLONE_VM,
  CSIGNAL,
} from '../constants.js';
import { errnoNumber } from '../errno.js';
import { GcError } from '../errors.js';
import { findSyscallNumber, isSyscallName } from '../syscall-table.js';
import { Arena, ArenaPtr, type ArenaStruct, type StructField, type StructOptions } from './arena.js';
import { type DecodedProgram, decodeProgram } from './decode.js';
import { encodeProgram } from './encode.js';
import { formatProgram } from './explain.js';
import { MAX_ARGS, MAX_FDS, MAX_TOLERATED, type OpKind, PROLOGUE_OP_INDEX } from './format.js';
import {
  type Arg,
  type EncodedArg,
  type FdEntry,
  type OpDescription,
  type OpInfo,
  OpRef,
  SYNC_FD,
  SyncFd,
} from './op.js';

/** The package ops are credited to when no `scope()` names another. */
export const DEFAULT_PKG = '@gc/syscall';

const PROLOGUE: OpDescription = { label: 'prepare the child (signals, fds)', pkg: DEFAULT_PKG, kind: 'prologue' };

const DEFAULT_FDS: readonly FdEntry[] = [
  { target: 0, source: 0 },
  { target: 1, source: 1 },
  { target: 2, source: 2 },
];

// FORK clones without CLONE_VM into a fresh process that runs the next op:
// anything that shares memory or a thread group with the parent would break that.
const FORBIDDEN_FORK_FLAGS =
  BigInt(CSIGNAL) |
  BigInt(CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_VFORK | CLONE_SETTLS) |
  BigInt(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID);

const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

export interface SyscallOptions {
  /** errnos (names like `EBUSY`, or numbers) that do not fail the program: the op's result is then `-errno`. */
  readonly tolerate?: ReadonlyArray<string | number>;
}

export interface ExecvpOptions {
  /** The search path; by default the `PATH=` entry of `env`, else the executor's default path. */
  readonly path?: string;
}

export interface RunAndWaitOptions {
  /** The child's fd (a `keepFd` number, or an earlier op's result) that becomes the program's stdin; default: the child's own fd 0. */
  readonly stdin?: number | OpRef;
  /** Likewise, the fd its stdout and stderr both go to; default: the child's own fds 1 and 2. */
  readonly output?: number | OpRef;
  /** Kill it with SIGKILL and fail once this many milliseconds passed; default: no limit. */
  readonly timeoutMs?: number;
}

/** An fd-table entry added by `keepFd`: it survives `setFds`. */
interface KeptFd extends FdEntry {
  /** The package whose scope kept it, for error messages. */
  readonly pkg: string;
}

/** The state the program and all its scopes share. */
interface ProgramState {
  readonly program: Program;
  readonly arch: Arch;
  readonly arena: Arena;
  readonly ops: OpInfo[];
  readonly kept: KeptFd[];
  execOp: number | undefined;
}

interface PlannedOp {
  readonly kind: OpKind;
  readonly syscall?: string;
  readonly nr?: number;
  readonly args: readonly Arg[];
  readonly tolerate?: readonly number[];
  readonly label: string;
}

/**
 * Appends ops to a program on behalf of one package. `Program` is the scope of
 * `@gc/syscall`; `program.scope('@gc/rootfs')` gives the rootfs package its own.
 */
export class ProgramScope {
  readonly #state: ProgramState;
  /** The package the ops of this scope are credited to. */
  readonly pkg: string;

  /** @internal */
  protected constructor(state: ProgramState | undefined, pkg: string, create?: (self: Program) => ProgramState) {
    if (typeof pkg !== 'string' || pkg === '')
      throw new TypeError('scope: the package name must be a non-empty string');
    this.pkg = pkg;
    // Program passes `create` because its state must point back at itself.
    this.#state = state ?? (create as (self: Program) => ProgramState)(this as unknown as Program);
  }

  /** The program this scope appends to. */
  get program(): Program {
    return this.#state.program;
  }

  get arch(): Arch {
    return this.#state.arch;
  }

  /** The child's end of the sync socket, as an argument. */
  get syncFd(): SyncFd {
    return SYNC_FD;
  }

  /** A view whose ops are credited to `pkg`. */
  scope(pkg: string): ProgramScope {
    return new ProgramScope(this.#state, pkg);
  }

  /**
   * `syscall(nr, args...)` in the child. The op fails the program unless it
   * returns an errno listed in `tolerate`. Returns a reference to its result.
   */
  syscall(name: string, args: readonly Arg[], label: string, opts: SyscallOptions = {}): OpRef {
    checkLabel(label);
    if (!Array.isArray(args)) throw new TypeError(`${label}: the arguments of ${name} must be an array`);
    if (args.length > MAX_ARGS) {
      throw new TypeError(`${label}: ${name} takes at most ${MAX_ARGS} arguments, got ${args.length}`);
    }
    const nr = findSyscallNumber(name, this.arch);
    if (nr === undefined) {
      const why = isSyscallName(name) ? `does not exist on ${this.arch}` : 'is not in the syscall table';
      throw new GcError('ENOSYS_ARCH', `${label}: syscall ${name} ${why} (planning for ${this.arch})`);
    }
    const tolerate = opts.tolerate ?? [];
    if (tolerate.length > MAX_TOLERATED) {
      throw new TypeError(`${label}: at most ${MAX_TOLERATED} tolerated errnos, got ${tolerate.length}`);
    }
    return this.#push({
      kind: 'syscall',
      syscall: name,
      nr,
      args,
      tolerate: tolerate.map((e) => toErrno(e, label)),
      label,
    });
  }

  /** Block until the parent answers with `release(value)`; the op's result is the value. */
  wait(label: string): OpRef {
    return this.#push({ kind: 'wait', args: [], label });
  }

  /** Tell the parent `value` (read by `nextNotification()`). */
  notify(value: Arg, label: string): OpRef {
    return this.#push({ kind: 'notify', args: [value], label });
  }

  /**
   * Go on in a new child (clone with `extraCloneFlags | SIGCHLD`) and report
   * its pid as a notification: needed after `setns` into a PID namespace.
   */
  fork(extraCloneFlags: number | bigint, label: string): OpRef {
    checkLabel(label);
    const flags = toImmediate(extraCloneFlags, label, 0);
    if ((BigInt.asUintN(64, flags) & FORBIDDEN_FORK_FLAGS) !== 0n) {
      throw new TypeError(
        `${label}: fork cannot take a signal or flags that share memory or threads (0x${flags.toString(16)})`,
      );
    }
    return this.#push({ kind: 'fork', args: [extraCloneFlags], label });
  }

  /**
   * Execute `file` as execvpe(3) does, searching `opts.path`, else the `PATH=`
   * of `env`, else the executor's default path. Must be the program's last op.
   */
  execvp(
    file: string,
    argv: readonly string[],
    env: readonly string[],
    label: string,
    opts: ExecvpOptions = {},
  ): OpRef {
    checkLabel(label);
    if (typeof file !== 'string' || file === '') throw new TypeError(`${label}: execvp needs a file name`);
    if (!Array.isArray(argv) || !Array.isArray(env))
      throw new TypeError(`${label}: execvp argv and env must be arrays of strings`);
    const pathEntry = env.find((entry) => entry.startsWith('PATH='));
    const path = opts.path ?? (pathEntry === undefined ? null : pathEntry.slice('PATH='.length));
    return this.#push({ kind: 'execvp', args: [file, argv, env, path], label });
  }

  /**
   * Fail (ENOENT, EACCES, ...) unless an `execvp` of `file` with this `env`
   * would find something to execute, without executing it: runc's LookPath,
   * so that a created container whose command is missing fails at create,
   * not after start.
   */
  lookPath(file: string, env: readonly string[], label: string, opts: ExecvpOptions = {}): OpRef {
    checkLabel(label);
    if (typeof file !== 'string' || file === '') throw new TypeError(`${label}: lookPath needs a file name`);
    const pathEntry = env.find((entry) => entry.startsWith('PATH='));
    const path = opts.path ?? (pathEntry === undefined ? null : pathEntry.slice('PATH='.length));
    return this.#push({ kind: 'lookpath', args: [file, path], label });
  }

  /**
   * Become the static gc-exec (REEXEC: execveat of `exeFd`, an fd the child
   * holds, such as a `keepFd` of @gc/native's sealed gc-exec) and go on with
   * the next op there: from then on the process holds nothing of Node. The
   * program, its results so far and the fd table carry over. Plan it after
   * the id maps of a new user namespace are written (an exec as an unmapped
   * uid loses every capability).
   */
  reexec(exeFd: Arg, label: string): OpRef {
    return this.#push({ kind: 'reexec', args: [exeFd], label });
  }

  /**
   * Run a program and wait for it (RUN): fork, give it `opts.stdin` as fd 0
   * and `opts.output` as fds 1 and 2, close every other fd, `execve(path,
   * argv, env)` (no PATH search), and wait for its exit. The op fails unless
   * it exits 0: a failing spawn's `started` rejects with a `RunError` saying
   * how it ended (an exit code, a signal, the timeout, or the errno of the
   * exec). For OCI hooks that run inside the container.
   */
  runAndWait(
    path: string,
    argv: readonly string[],
    env: readonly string[],
    label: string,
    opts: RunAndWaitOptions = {},
  ): OpRef {
    checkLabel(label);
    if (typeof path !== 'string' || path === '') throw new TypeError(`${label}: runAndWait needs a path`);
    if (!Array.isArray(argv) || !Array.isArray(env))
      throw new TypeError(`${label}: runAndWait argv and env must be arrays of strings`);
    const timeout = opts.timeoutMs ?? 0;
    if (!Number.isSafeInteger(timeout) || timeout < 0)
      throw new TypeError(`${label}: runAndWait timeoutMs must be a non-negative integer, got ${String(timeout)}`);
    const fd = (value: number | OpRef | undefined, what: string): number | OpRef => {
      if (value === undefined || value instanceof OpRef) return value ?? -1;
      checkFdNumber(value, `${label}: runAndWait ${what}`);
      return value;
    };
    return this.#push({
      kind: 'run',
      args: [path, argv, env, fd(opts.stdin, 'stdin'), fd(opts.output, 'output'), timeout],
      label,
    });
  }

  /** Write the low `width` bytes of `value` at `dest` (e.g. an fd into a struct the next op reads). */
  store(value: Arg, dest: ArenaPtr, width: 1 | 2 | 4 | 8, label: string): OpRef {
    checkLabel(label);
    if (!(dest instanceof ArenaPtr)) throw new TypeError(`${label}: store needs an arena pointer as destination`);
    if (width !== 1 && width !== 2 && width !== 4 && width !== 8) {
      throw new TypeError(`${label}: store width must be 1, 2, 4 or 8, got ${String(width)}`);
    }
    const end = dest.item.offset + dest.item.size;
    if (dest.offset + width > end) {
      throw new TypeError(`${label}: a ${width}-byte store at ${dest.describe()} runs past its ${dest.item.kind}`);
    }
    return this.#push({ kind: 'store', args: [value, dest, width], label });
  }

  /**
   * Hand fd `source` of the parent to the child as well, whatever fd table
   * the program gets, and return its number in the child: one above the
   * highest target so far, and never 0, 1 or 2. For fds a planner's ops use
   * (a pidfd to `setns` with), not for the container: the entry is made
   * without CLOEXEC, so `close` it (or set FD_CLOEXEC) in an op once used.
   *
   * Kept entries survive `setFds`, which may come before or after; a
   * `setFds` entry with the same target is an error, never a silent
   * replacement. `source` must stay open in the parent until `spawn`.
   */
  keepFd(source: number): number {
    checkFdNumber(source, `keepFd (${this.pkg}): source`);
    const state = this.#state;
    const fds = state.program.fds;
    if (fds.length >= MAX_FDS) throw new TypeError(`keepFd (${this.pkg}): the fd table is full (${MAX_FDS} fds)`);
    const target = Math.max(2, ...fds.map((fd) => fd.target)) + 1;
    state.kept.push({ target, source, pkg: this.pkg });
    return target;
  }

  /** A C string in the program's arena. */
  cstring(value: string): ArenaPtr {
    return this.#state.arena.cstring(value);
  }

  /** A NULL-terminated `char *[]` in the program's arena. */
  cstringArray(values: readonly string[]): ArenaPtr {
    return this.#state.arena.cstringArray(values);
  }

  /** A buffer in the program's arena. */
  bytes(data: Uint8Array): ArenaPtr {
    return this.#state.arena.bytes(data);
  }

  /** A C struct in the program's arena. */
  struct(fields: readonly StructField[], options?: StructOptions): ArenaStruct {
    return this.#state.arena.struct(fields, options);
  }

  #push(planned: PlannedOp): OpRef {
    const state = this.#state;
    checkLabel(planned.label);
    const index = state.ops.length;
    if (state.execOp !== undefined) {
      const exec = state.ops[state.execOp] as OpInfo;
      throw new TypeError(`${planned.label}: no op can follow the execvp of op ${exec.index} (${exec.label})`);
    }
    const labelOff = state.arena.cstring(planned.label).offset;
    const pkgOff = state.arena.cstring(this.pkg).offset;
    const encoded = planned.args.map((arg, i) => this.#encodeArg(arg, index, planned.label, i));
    state.ops.push({
      index,
      kind: planned.kind,
      syscall: planned.syscall,
      nr: planned.nr ?? 0,
      args: planned.args,
      encoded,
      tolerate: planned.tolerate ?? [],
      label: planned.label,
      pkg: this.pkg,
      labelOff,
      pkgOff,
    });
    if (planned.kind === 'execvp') state.execOp = index;
    return new OpRef(state, index);
  }

  #encodeArg(arg: Arg, index: number, label: string, position: number): EncodedArg {
    const arena = this.#state.arena;
    const where = `${label}: argument ${position}`;
    if (arg === null) return { kind: 'imm', value: 0n };
    if (typeof arg === 'number' || typeof arg === 'bigint') {
      return { kind: 'imm', value: BigInt.asIntN(64, toImmediate(arg, label, position)) };
    }
    if (typeof arg === 'string') return { kind: 'ptr', value: BigInt(arena.cstring(arg).offset) };
    if (Array.isArray(arg)) return { kind: 'ptr', value: BigInt(arena.cstringArray(arg).offset) };
    if (arg instanceof Uint8Array) return { kind: 'ptr', value: BigInt(arena.bytes(arg).offset) };
    if (arg instanceof ArenaPtr) {
      if (arg.arena !== arena) throw new TypeError(`${where} points into another program's arena`);
      return { kind: 'ptr', value: BigInt(arg.offset) };
    }
    if (arg instanceof OpRef) {
      if (arg.owner !== this.#state) throw new TypeError(`${where} refers to an op of another program`);
      if (arg.index >= index)
        throw new TypeError(`${where} refers to op ${arg.index}, which does not run before op ${index}`);
      return { kind: 'ref', value: BigInt(arg.index) };
    }
    if (arg instanceof SyncFd) return { kind: 'syncFd', value: 0n };
    throw new TypeError(`${where} has an unsupported type (${typeof arg})`);
  }
}

/**
 * A syscall program: the ops a child runs between `clone()` and `execve()`,
 * planned in TypeScript and run by the C executor (docs/program-format.md).
 */
export class Program extends ProgramScope {
  readonly #ops: OpInfo[];
  readonly #arena: Arena;
  readonly #kept: KeptFd[];
  #fds: readonly FdEntry[] = DEFAULT_FDS;

  constructor(opts: { arch?: Arch } = {}) {
    const arch = opts.arch ?? currentArch();
    if (!isArch(arch)) throw new GcError('EARCH', `unsupported program arch ${String(arch)}: expected x64 or arm64`);
    const ops: OpInfo[] = [];
    const arena = new Arena();
    const kept: KeptFd[] = [];
    super(undefined, DEFAULT_PKG, (self) => ({ program: self, arch, arena, ops, kept, execOp: undefined }));
    this.#ops = ops;
    this.#arena = arena;
    this.#kept = kept;
  }

  /** Decode a serialised program (validating it); see `decodeProgram`. */
  static decode(bytes: Uint8Array): DecodedProgram {
    return decodeProgram(bytes);
  }

  get ops(): readonly OpInfo[] {
    return this.#ops;
  }

  /** The arena: what each pointer argument points at. */
  get arena(): Arena {
    return this.#arena;
  }

  /** The child's fds after the prologue: the `setFds` entries, then the `keepFd` ones. */
  get fds(): readonly FdEntry[] {
    return [...this.#fds, ...this.#kept.map(({ target, source }) => ({ target, source }))];
  }

  /**
   * The fds the child gets (every other fd is closed before the first op),
   * replacing those of an earlier `setFds`. By default 0, 1 and 2 are the
   * parent's 0, 1 and 2. Entries added by `keepFd` stay, whichever came
   * first; an entry with the target of a kept one is an error.
   */
  setFds(entries: readonly FdEntry[]): this {
    if (!Array.isArray(entries)) throw new TypeError('setFds: expected an array of { target, source }');
    const total = entries.length + this.#kept.length;
    if (total > MAX_FDS) {
      const kept = this.#kept.length > 0 ? ` (${entries.length} + ${this.#kept.length} kept with keepFd)` : '';
      throw new TypeError(`setFds: at most ${MAX_FDS} fds, got ${total}${kept}`);
    }
    const seen = new Set<number>();
    entries.forEach((entry, i) => {
      for (const field of ['target', 'source'] as const) checkFdNumber(entry?.[field], `setFds: entry ${i} ${field}`);
      if (seen.has(entry.target)) throw new TypeError(`setFds: entry ${i} target ${entry.target} is a duplicate`);
      const kept = this.#kept.find((k) => k.target === entry.target);
      if (kept) {
        throw new TypeError(
          `setFds: entry ${i} target ${entry.target} is taken: ${kept.pkg} kept fd ${kept.source} there with keepFd`,
        );
      }
      seen.add(entry.target);
    });
    this.#fds = entries.map(({ target, source }) => ({ target, source }));
    return this;
  }

  /** What op `index` is, as a failure report names it; `0xffffffff` is the prologue. */
  describe(index: number): OpDescription {
    if (index === PROLOGUE_OP_INDEX) return PROLOGUE;
    const op = this.#ops[index];
    if (!op) throw new RangeError(`op index ${index} is outside the program's ${this.#ops.length} ops`);
    return op.syscall === undefined
      ? { label: op.label, pkg: op.pkg, kind: op.kind }
      : { label: op.label, pkg: op.pkg, kind: op.kind, syscall: op.syscall };
  }

  /** The blob the executor runs. */
  encode(): Uint8Array {
    return encodeProgram(this.arch, this.#ops, this.fds, this.#arena);
  }

  /** The program for humans (`--explain`, golden files): a header line, then one line per op. */
  override toString(): string {
    return formatProgram(this.arch, this.#ops, this.fds);
  }
}

function checkFdNumber(value: unknown, what: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0x7fffffff) {
    throw new TypeError(`${what} must be a non-negative 32-bit integer, got ${String(value)}`);
  }
}

function checkLabel(label: unknown): asserts label is string {
  if (typeof label !== 'string' || label.trim() === '')
    throw new TypeError('every op needs a label saying what it does');
  if (label.includes('\0')) throw new TypeError(`label ${JSON.stringify(label)} contains a NUL byte`);
}

function toImmediate(value: number | bigint, label: string, position: number): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`${label}: argument ${position} (${value}) is not a safe integer; use a bigint`);
    return BigInt(value);
  }
  if (typeof value !== 'bigint' || value < I64_MIN || value > U64_MAX) {
    throw new TypeError(`${label}: argument ${position} (${String(value)}) does not fit 64 bits`);
  }
  return value;
}

function toErrno(value: string | number, label: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= 4095) return value;
    throw new TypeError(`${label}: tolerated errno ${value} is not in 1..4095`);
  }
  try {
    return errnoNumber(value);
  } catch {
    throw new TypeError(`${label}: cannot tolerate unknown errno ${JSON.stringify(value)}`);
  }
}
