/** Names for the bits (or values) of one kernel argument, in the order they should print. */
export type FlagTable = ReadonlyArray<readonly [name: string, value: number | bigint]>;

function toU64(value: number | bigint): bigint {
  // A number with bit 31 set may arrive negative from `|`; read it as the unsigned bits.
  if (typeof value === 'number') return value < 0 ? BigInt(value >>> 0) : BigInt(value);
  return BigInt.asUintN(64, value);
}

/**
 * `MS_NOSUID|MS_NODEV|MS_NOEXEC` for 14. Entries are taken greedily in table
 * order (so composite values listed first win); bits no entry names print as
 * hex; zero prints `0`.
 */
export function flagsToString(value: number | bigint, table: FlagTable): string {
  let rest = toU64(value);
  if (rest === 0n) return '0';
  const parts: string[] = [];
  for (const [name, flag] of table) {
    const bits = toU64(flag);
    if (bits !== 0n && (rest & bits) === bits) {
      parts.push(name);
      rest &= ~bits;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

/** The name of a value that is one choice, not a set of bits (`PR_SET_NO_NEW_PRIVS`); decimal when unknown. */
export function enumToString(value: number | bigint, table: FlagTable): string {
  for (const [name, v] of table) if (BigInt(v) === BigInt(value)) return name;
  return String(value);
}
