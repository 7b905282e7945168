import { errnoNumber } from '../errno.js';

/** A failure to inject: the calls of `syscall` (a syscall, Kernel method or op kind name) fail with `errno`. */
export interface FailRule {
  readonly syscall: string;
  /** Fail only the nth (1-based) matching call; without it, every matching call fails. */
  readonly nth?: number;
  /** Only ops whose label equals (or matches) this. */
  readonly label?: string | RegExp;
  readonly errno: string | number;
}

/** A call about to happen, as failure rules see it. */
export interface FailureEvent {
  /** The syscall name (`mount`, `pidfd_open`), or the op kind for non-syscall ops (`execvp`). */
  readonly syscall: string;
  /** The Kernel method (`pidfdOpen`), if it is an in-process call. */
  readonly method?: string;
  readonly label?: string;
  /** Whether the call counts for `failNth`: in-process calls and SYSCALL ops do. */
  readonly counted: boolean;
}

function toErrno(errno: string | number): number {
  if (typeof errno === 'number') {
    if (Number.isInteger(errno) && errno > 0) return errno;
    throw new TypeError(`errno must be a positive integer, got ${errno}`);
  }
  return errnoNumber(errno);
}

function toNth(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${what}: n is 1-based, got ${n}`);
  return n;
}

/** The failure rules of a FakeKernel and the counters they need. */
export class FailurePlan {
  #count = 0;
  readonly #nth = new Map<number, number>();
  readonly #rules: Array<{ rule: FailRule; errno: number; seen: number }> = [];

  failNth(n: number, errno: string | number): void {
    this.#nth.set(toNth(n, 'failNth'), toErrno(errno));
  }

  fail(rule: FailRule): void {
    if (typeof rule?.syscall !== 'string' || rule.syscall === '') throw new TypeError('fail: a rule names its syscall');
    if (rule.nth !== undefined) toNth(rule.nth, 'fail');
    this.#rules.push({ rule, errno: toErrno(rule.errno), seen: 0 });
  }

  /** Called once per call, in order: the errno to fail it with, or undefined. */
  check(event: FailureEvent): number | undefined {
    let errno: number | undefined;
    if (event.counted) {
      this.#count += 1;
      errno = this.#nth.get(this.#count);
    }
    for (const entry of this.#rules) {
      const { rule } = entry;
      if (rule.syscall !== event.syscall && rule.syscall !== event.method) continue;
      if (rule.label !== undefined) {
        const label = event.label ?? '';
        if (typeof rule.label === 'string' ? rule.label !== label : !rule.label.test(label)) continue;
      }
      entry.seen += 1;
      if (errno === undefined && (rule.nth === undefined || rule.nth === entry.seen)) errno = entry.errno;
    }
    return errno;
  }
}
