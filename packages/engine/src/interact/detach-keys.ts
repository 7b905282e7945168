import { GcError } from '@gc/syscall';

/** Docker's default: Ctrl-P then Ctrl-Q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** `--detach-keys` that is not a comma-separated list of single characters and `ctrl-<key>`s. */
export const ENGINE_BAD_DETACH_KEYS = 'ENGINE_BAD_DETACH_KEYS';

/** What follows `ctrl-`, with the control code it types: `@` is 0, `a` 1 ... `z` 26, then `[ \ ] ^ _`. */
const CTRL_KEYS = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/**
 * `--detach-keys` as Docker reads it (moby's term.ToBytes): a comma-separated
 * list whose entries are one character (that byte) or `ctrl-X` for X one of
 * `a-z @ [ \ ] ^ _` (case-insensitive). Returns the bytes to watch for.
 */
export function parseDetachKeys(spec: string): Uint8Array {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      const code = key.charCodeAt(0);
      if (code > 0x7f) throw badKeys(spec, key);
      bytes.push(code);
      continue;
    }
    const match = /^ctrl-(.)$/i.exec(key);
    const index = match ? CTRL_KEYS.indexOf((match[1] as string).toLowerCase()) : -1;
    if (index < 0) throw badKeys(spec, key);
    bytes.push(index);
  }
  return Uint8Array.from(bytes);
}

function badKeys(spec: string, key: string): GcError {
  return new GcError(
    ENGINE_BAD_DETACH_KEYS,
    `--detach-keys: invalid detach keys ${JSON.stringify(spec)}: unknown key ${JSON.stringify(key)} (expected a comma-separated list of single characters and ctrl-<a-z, @, [, \\, ], ^ or _>)`,
  );
}

/** What a chunk of input came to: the bytes to pass on, and whether the detach keys were typed. */
export interface DetachScan {
  readonly forward: Uint8Array;
  readonly detached: boolean;
}

/** Watches input for the detach keys, across chunks. */
export interface DetachMatcher {
  /**
   * The bytes of `chunk` to pass on. Bytes that may begin the sequence are
   * held back until the next byte tells; once the whole sequence is typed,
   * `detached` is true and none of it is passed on (what came before it is).
   */
  scan(chunk: Uint8Array): DetachScan;
}

/**
 * A matcher for `keys` (parseDetachKeys). A partial sequence followed by
 * another key is passed on whole, as typed (Ctrl-P then `x` reaches the
 * container as both); the key that broke it may begin the sequence again.
 */
export function createDetachMatcher(keys: Uint8Array): DetachMatcher {
  let held: number[] = [];
  return {
    scan(chunk) {
      const out: number[] = [];
      if (keys.length === 0) return { forward: chunk, detached: false };
      for (const byte of chunk) {
        const pending = [...held, byte];
        held = [];
        // The longest tail of what is pending that is a prefix of the keys stays held; the rest goes on.
        let start = 0;
        while (start < pending.length && !isPrefix(pending, start, keys)) start++;
        out.push(...pending.slice(0, start));
        held = pending.slice(start);
        if (held.length === keys.length) return { forward: Uint8Array.from(out), detached: true };
      }
      return { forward: Uint8Array.from(out), detached: false };
    },
  };
}

function isPrefix(bytes: number[], start: number, keys: Uint8Array): boolean {
  if (bytes.length - start > keys.length) return false;
  for (let i = start; i < bytes.length; i++) if (bytes[i] !== keys[i - start]) return false;
  return true;
}
