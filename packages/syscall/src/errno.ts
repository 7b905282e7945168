import { ERRNO_TABLE } from './errno-table.js';

const byNumber = new Map<number, readonly [number, string, string]>();
const byName = new Map<string, number>();
for (const row of ERRNO_TABLE) {
  byNumber.set(row[0], row);
  byName.set(row[1], row[0]);
}
// Aliases the kernel headers define by reference to another name.
byName.set('EWOULDBLOCK', 11);
byName.set('EDEADLOCK', 35);
byName.set('ENOTSUP', 95);

/** `1` -> `EPERM`; an unknown number reads `E123`. */
export function errnoName(errno: number): string {
  return byNumber.get(errno)?.[1] ?? `E${errno}`;
}

/** `EPERM` -> `1`. Throws a TypeError naming the unknown name. */
export function errnoNumber(name: string): number {
  const num = byName.get(name);
  if (num === undefined) throw new TypeError(`unknown errno name: ${JSON.stringify(name)}`);
  return num;
}

/** `1` -> `Operation not permitted`. */
export function errnoMessage(errno: number): string {
  return byNumber.get(errno)?.[2] ?? `Unknown error ${errno}`;
}
