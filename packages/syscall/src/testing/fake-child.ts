import { GcError, SyscallError } from '../errors.js';
import type { ExitStatus, Notification, SpawnedChild, SpawnOptions } from '../kernel.js';
import {
  type DecodedOp,
  type DecodedProgram,
  decodeProgram,
  readArenaString,
  readArenaU64,
} from '../program/decode.js';
import { FAILED_EXIT_CODE } from '../program/format.js';
import { SYNC_FD } from '../program/op.js';
import type { Program } from '../program/program.js';
import { RunError } from '../run-error.js';
import { signalName, signalNumber } from '../signals.js';
import type { FakeOpRecord, FakeProgramRun, FakeSyscallHandler, FakeValue } from './fake-calls.js';
import type { FailureEvent } from './fake-failures.js';

/** What a FakeChild needs from its FakeKernel. */
export interface FakeChildHost {
  readonly autoRelease: boolean;
  /** The errno to fail this call with, if a rule says so. */
  checkFailure(event: FailureEvent): number | undefined;
  handler(syscall: string): FakeSyscallHandler | undefined;
  allocPid(): number;
  /** How a child that reached its exec ends: a status now, or only when killed. */
  execExit(): ExitStatus | 'on-kill';
  recordKill(pid: number, signal: number): void;
}

const EPIPE = 32;
/** The fd number a SYNC_FD argument stands for when an op needs it as a number. */
const FAKE_SYNC_FD = 3;

function toFakeNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A process started by `FakeKernel.spawn`: runs its program symbolically, synchronously. */
export class FakeChild implements SpawnedChild {
  readonly pid: number;
  readonly pidfd: number;
  readonly started: Promise<void>;
  readonly exited: Promise<ExitStatus>;
  /** The record of this run (also in `FakeKernel.programRuns`). */
  readonly run: FakeProgramRun;

  readonly #host: FakeChildHost;
  readonly #program: Program;
  readonly #decoded: DecodedProgram;
  /** The arena as the child sees it: STORE ops write here. */
  readonly #arena: Uint8Array;
  readonly #results: bigint[] = [];
  readonly #releases: bigint[] = [];
  readonly #queue: Notification[] = [];
  readonly #waiters: Array<{ resolve: (n: Notification) => void; reject: (e: Error) => void }> = [];
  #pc = 0;
  #syncClosed = false;
  #done = false;
  #startedSettled = false;
  #resolveStarted!: () => void;
  #rejectStarted!: (error: Error) => void;
  #resolveExited!: (status: ExitStatus) => void;

  constructor(host: FakeChildHost, program: Program, options: SpawnOptions, pid: number, pidfd: number) {
    this.#host = host;
    this.#program = program;
    this.#decoded = decodeProgram(program.encode());
    this.#arena = this.#decoded.arena.slice();
    this.pid = pid;
    this.pidfd = pidfd;
    this.started = new Promise<void>((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    // A test that only looks at `programRuns` must not fail on an unhandled rejection.
    this.started.catch(() => {});
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.#resolveExited = resolve;
    });
    this.run = {
      program,
      arch: this.#decoded.arch,
      pid,
      options,
      ops: [],
      notifications: [],
      state: 'waiting',
      exec: undefined,
      failure: undefined,
      exitStatus: undefined,
    };
  }

  /** @internal Run ops until a WAIT has nothing to read, the exec, a failure or the end. */
  resume(): void {
    const ops = this.#decoded.ops;
    while (!this.#done && this.#pc < ops.length) {
      const op = ops[this.#pc] as DecodedOp;
      if (op.kind === 'wait' && this.#releases.length === 0 && !this.#syncClosed && !this.#host.autoRelease) {
        this.run.state = 'waiting';
        return;
      }
      this.#step(op);
      this.#pc += 1;
    }
    if (!this.#done) this.#finish('completed');
  }

  /** Answer the next WAIT op; a negative value fails it with errno -value. */
  release(value: number | bigint = 0): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value))
      throw new TypeError(`release: ${value} is not an integer`);
    if (this.#done) return;
    this.#releases.push(BigInt(value));
    this.resume();
  }

  /** Close the parent's end of the sync socket: a WAIT with nothing to read fails with EPIPE. */
  closeSync(): void {
    this.#syncClosed = true;
    this.resume();
  }

  nextNotification(): Promise<Notification> {
    const next = this.#queue.shift();
    if (next) return Promise.resolve(next);
    if (this.#done || this.#syncClosed) return Promise.reject(this.#closedError());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Stop watching: the fake process is left as it is. */
  forget(): void {
    this.run.forgotten = true;
  }

  kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
    const num = signalNumber(signal);
    this.#host.recordKill(this.pid, num);
    if (this.run.exitStatus !== undefined) return;
    if (!this.#done) {
      this.#done = true;
      this.run.state = 'killed';
      this.#settleStarted(
        new GcError('ECHILD_KILLED', `child ${this.pid} was killed by ${signalName(num)} before it reached execve`),
      );
      this.#closeSync();
    }
    this.#exit({ signal: statusSignalName(num), signalNumber: num, coreDumped: false });
  }

  #step(op: DecodedOp): void {
    const record: FakeOpRecord = {
      index: op.index,
      kind: op.kind,
      syscall: op.syscall,
      nr: op.nr,
      args: op.args.map((arg) => this.#fakeValue(arg.kind, arg.value)),
      label: op.label,
      pkg: op.pkg,
      result: undefined,
      errno: undefined,
    };
    this.run.ops.push(record);
    const raw = op.args.map((arg) => this.#rawValue(arg.kind, arg.value));
    const name = op.kind === 'syscall' ? (op.syscall ?? `syscall_${op.nr}`) : op.kind;
    let errno = this.#host.checkFailure({ syscall: name, label: op.label, counted: op.kind === 'syscall' });
    let result = 0n;

    if (errno === undefined) {
      switch (op.kind) {
        case 'syscall': {
          const outcome = this.#callHandler(name, record);
          if (typeof outcome === 'bigint') result = outcome;
          else errno = outcome.errno;
          break;
        }
        case 'wait': {
          const value = this.#releases.shift();
          if (value === undefined) errno = this.#host.autoRelease && !this.#syncClosed ? undefined : EPIPE;
          else if (value < 0n) errno = Number(-value);
          else result = value;
          break;
        }
        case 'notify':
          if (this.#syncClosed) errno = EPIPE;
          else this.#notify(op, raw[0] ?? 0n);
          break;
        case 'fork': {
          // The process that was spawned reports its child's pid and exits; the child goes on.
          const pid = this.#host.allocPid();
          this.#notify(op, BigInt(pid));
          this.#exit({ code: 0 });
          break;
        }
        case 'execvp':
          record.result = 0;
          this.#exec(record);
          return;
        case 'reexec':
          // The same process goes on, in the static executor.
          break;
        case 'lookpath':
          // The fake's files all exist; a test makes one missing with a failure rule.
          break;
        case 'run': {
          // Succeeds unless a handler for 'run' throws (a RunError: that failure; a SyscallError: its errno).
          const outcome = this.#callHandler('run', record);
          if (typeof outcome !== 'bigint') errno = outcome.errno;
          break;
        }
        case 'store': {
          const [value = 0n, dest = 0n, width = 0n] = raw;
          const bytes = new Uint8Array(8);
          new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
          this.#arena.set(bytes.subarray(0, Number(width)), Number(dest));
          break;
        }
      }
    }

    if (errno !== undefined) {
      record.errno = errno;
      result = BigInt(-errno);
      if (op.kind !== 'syscall' || !op.tolerate.includes(errno)) {
        record.result = toFakeNumber(result);
        this.#fail(op, errno);
        return;
      }
    }
    record.result = toFakeNumber(result);
    this.#results[op.index] = result;
  }

  #callHandler(name: string, record: FakeOpRecord): bigint | { errno: number } {
    const handler = this.#host.handler(name);
    if (!handler) return 0n;
    try {
      const value = handler({
        syscall: name,
        args: record.args,
        label: record.label,
        pkg: record.pkg,
        op: record.index,
      });
      return value === undefined ? 0n : BigInt(value);
    } catch (error) {
      if (SyscallError.isInstance(error)) return { errno: error.errno };
      if (RunError.isInstance(error)) return { errno: error.word };
      throw error;
    }
  }

  #notify(op: DecodedOp, value: bigint): void {
    const notification: Notification = { op: op.index, label: op.label, value };
    this.run.notifications.push(notification);
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(notification);
    else this.#queue.push(notification);
  }

  #exec(record: FakeOpRecord): void {
    const [file, argv, env, path] = record.args;
    this.run.exec = {
      file: typeof file === 'string' ? file : '',
      argv: Array.isArray(argv) ? argv : [],
      env: Array.isArray(env) ? env : [],
      path: typeof path === 'string' ? path : null,
    };
    this.#done = true;
    this.run.state = 'exec';
    this.#settleStarted();
    this.#closeSync();
    const status = this.#host.execExit();
    if (status !== 'on-kill') this.#exit(status);
  }

  #fail(op: DecodedOp, errno: number): void {
    this.#done = true;
    this.run.state = 'failed';
    this.run.failure = { op: op.index, errno };
    this.#settleStarted(
      op.kind === 'run'
        ? new RunError({ label: op.label, pkg: op.pkg, op: op.index, word: errno })
        : new SyscallError({
            syscall: op.kind === 'syscall' ? (op.syscall ?? `syscall_${op.nr}`) : op.kind,
            errno,
            label: op.label,
            pkg: op.pkg,
            op: op.index,
          }),
    );
    this.#closeSync();
    this.#exit({ code: FAILED_EXIT_CODE });
  }

  #finish(state: 'completed'): void {
    // A program without an exec ends in exit_group(0): the error pipe closes with nothing on it.
    this.#done = true;
    this.run.state = state;
    this.#settleStarted();
    this.#closeSync();
    this.#exit({ code: 0 });
  }

  #settleStarted(error?: Error): void {
    if (this.#startedSettled) return;
    this.#startedSettled = true;
    if (error) this.#rejectStarted(error);
    else this.#resolveStarted();
  }

  #exit(status: ExitStatus): void {
    if (this.run.exitStatus !== undefined) return;
    this.run.exitStatus = status;
    this.#resolveExited(status);
  }

  #closeSync(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closedError());
  }

  #closedError(): GcError {
    return new GcError('ESYNCCLOSED', `child ${this.pid} closed its sync socket`);
  }

  #rawValue(kind: string, value: bigint): bigint {
    if (kind === 'ref') return this.#results[Number(value)] ?? 0n;
    if (kind === 'syncFd') return BigInt(FAKE_SYNC_FD);
    return value;
  }

  #fakeValue(kind: string, value: bigint): FakeValue {
    if (kind === 'imm') return toFakeNumber(value);
    if (kind === 'ref') return toFakeNumber(this.#results[Number(value)] ?? 0n);
    if (kind === 'syncFd') return SYNC_FD;
    const offset = Number(value);
    const item = this.#program.arena.itemAt(offset);
    if (item?.kind === 'cstring' && item.offset === offset) return readArenaString(this.#arena, offset) ?? '';
    if (item?.kind === 'cstring-array' && item.offset === offset) {
      // The count comes from the plan: a NULL slot and a string at arena offset 0 look alike.
      return item.value.map(
        (_, i) => readArenaString(this.#arena, Number(readArenaU64(this.#arena, offset + i * 8))) ?? '',
      );
    }
    const end = item ? item.offset + item.size : offset;
    return { offset, kind: item?.kind ?? 'unknown', bytes: this.#arena.slice(offset, end) };
  }
}

function statusSignalName(num: number): NodeJS.Signals | `SIG${number}` {
  const name = signalName(num);
  return /^SIG[A-Z]+$/.test(name) ? (name as NodeJS.Signals) : `SIG${num}`;
}
