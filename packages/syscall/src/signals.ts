import { GcError } from './errors.js';

// Linux numbers, the same on x86_64 and aarch64.
const SIGNALS: ReadonlyArray<readonly [string, number]> = [
  ['SIGHUP', 1],
  ['SIGINT', 2],
  ['SIGQUIT', 3],
  ['SIGILL', 4],
  ['SIGTRAP', 5],
  ['SIGABRT', 6],
  ['SIGBUS', 7],
  ['SIGFPE', 8],
  ['SIGKILL', 9],
  ['SIGUSR1', 10],
  ['SIGSEGV', 11],
  ['SIGUSR2', 12],
  ['SIGPIPE', 13],
  ['SIGALRM', 14],
  ['SIGTERM', 15],
  ['SIGSTKFLT', 16],
  ['SIGCHLD', 17],
  ['SIGCONT', 18],
  ['SIGSTOP', 19],
  ['SIGTSTP', 20],
  ['SIGTTIN', 21],
  ['SIGTTOU', 22],
  ['SIGURG', 23],
  ['SIGXCPU', 24],
  ['SIGXFSZ', 25],
  ['SIGVTALRM', 26],
  ['SIGPROF', 27],
  ['SIGWINCH', 28],
  ['SIGIO', 29],
  ['SIGPWR', 30],
  ['SIGSYS', 31],
];

const ALIASES: ReadonlyArray<readonly [string, number]> = [
  ['SIGIOT', 6],
  ['SIGCLD', 17],
  ['SIGPOLL', 29],
];

/**
 * As glibc (and so Docker and runc) count them: the kernel's 32 and 33 are
 * taken by the C library's threads, so `SIGRTMIN` is 34.
 */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

const byName = new Map<string, number>([...SIGNALS, ...ALIASES]);
const byNumber = new Map<number, string>(SIGNALS.map(([name, num]) => [num, name]));

/** Every named signal, `SIGHUP`..`SIGSYS`, with its number. */
export const SIGNAL_NAMES: ReadonlyArray<readonly [string, number]> = SIGNALS;

function unknownSignal(value: string | number): GcError {
  return new GcError(
    'EINVAL',
    `unknown signal ${JSON.stringify(value)}: expected a name like SIGTERM or a number 1..${SIGRTMAX}`,
  );
}

function rtOffset(value: string, base: string): number | undefined {
  if (value === base) return 0;
  const match = new RegExp(`^${base}([+-])(\\d+)$`).exec(value);
  if (!match) return undefined;
  return Number(match[2]) * (match[1] === '+' ? 1 : -1);
}

/**
 * `SIGTERM`, `TERM`, `term`, `15`, 15 -> 15; also `SIGRTMIN+3`, `SIGRTMAX-1`,
 * `SIG40`. Throws GcError `EINVAL` naming anything else.
 */
export function signalNumber(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= SIGRTMAX) return value;
    throw unknownSignal(value);
  }
  const text = value.trim().toUpperCase();
  if (/^\d+$/.test(text)) return signalNumber(Number(text));
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  const known = byName.get(name);
  if (known !== undefined) return known;
  const numbered = /^SIG(\d+)$/.exec(name);
  if (numbered) return signalNumber(Number(numbered[1]));
  const fromMin = rtOffset(name, 'SIGRTMIN');
  const fromMax = rtOffset(name, 'SIGRTMAX');
  const rt = fromMin !== undefined ? SIGRTMIN + fromMin : fromMax !== undefined ? SIGRTMAX + fromMax : undefined;
  if (rt !== undefined && rt >= SIGRTMIN && rt <= SIGRTMAX) return rt;
  throw unknownSignal(value);
}

/** 15 -> `SIGTERM`, 36 -> `SIGRTMIN+2`, 64 -> `SIGRTMAX`, 32 -> `SIG32`. Throws GcError `EINVAL` outside 1..64. */
export function signalName(signal: number): string {
  const known = byNumber.get(signal);
  if (known !== undefined) return known;
  if (!Number.isInteger(signal) || signal < 1 || signal > SIGRTMAX) throw unknownSignal(signal);
  if (signal === SIGRTMAX) return 'SIGRTMAX';
  if (signal === SIGRTMIN) return 'SIGRTMIN';
  if (signal > SIGRTMIN) return `SIGRTMIN+${signal - SIGRTMIN}`;
  return `SIG${signal}`;
}
