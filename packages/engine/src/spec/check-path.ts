import { usageError } from './usage-error.js';

/** Linux's PATH_MAX, with its NUL: the longest path a syscall takes is one byte less. */
export const PATH_MAX = 4096;
/** Linux's NAME_MAX: the longest name of one directory entry, in bytes. */
export const NAME_MAX = 255;

/**
 * A value as an error message shows it: quoted, control characters escaped
 * (the message stays one line), and cut in the middle when long.
 */
export function show(value: string): string {
  const quoted = JSON.stringify(value);
  if (quoted.length <= 80) return quoted;
  return `${quoted.slice(0, 40)}...${quoted.slice(-20)} (${value.length} characters)`;
}

/**
 * A path given to `flag`: no control characters (a newline or NUL in a path
 * is a mistake or an attack, never meant), within PATH_MAX and NAME_MAX, and
 * absolute unless `relative` is allowed. Checked before anything is made, so
 * a path the kernel would refuse halfway leaves no directories behind.
 */
export function checkPath(flag: string, value: string, what = 'path', options: { relative?: boolean } = {}): void {
  if (value === '') throw usageError(`${flag}: the ${what} is empty`);
  const control = controlCharacter(value);
  if (control) throw usageError(`${flag}: the ${what} ${show(value)} contains ${control}`);
  if (!options.relative && !value.startsWith('/')) {
    throw usageError(`${flag}: the ${what} ${show(value)} must be an absolute path`);
  }
  const bytes = Buffer.byteLength(value);
  if (bytes >= PATH_MAX) {
    throw usageError(`${flag}: the ${what} ${show(value)} is ${bytes} bytes long (at most ${PATH_MAX - 1})`);
  }
  const long = value.split('/').find((name) => Buffer.byteLength(name) > NAME_MAX);
  if (long !== undefined) {
    throw usageError(
      `${flag}: the ${what} ${show(value)} has a name of ${Buffer.byteLength(long)} bytes (at most ${NAME_MAX})`,
    );
  }
}

/** The first control character of `value`, named (`a newline`); undefined when it has none. */
export function controlCharacter(value: string): string | undefined {
  // A loop, not /\p{Cc}/u: that regex takes a few ms to compile at start-up.
  let c: string | undefined;
  for (let i = 0; i < value.length && c === undefined; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) c = value[i];
  }
  if (c === undefined) return undefined;
  return c === '\n' ? 'a newline' : c === '\0' ? 'a NUL byte' : 'a control character';
}
