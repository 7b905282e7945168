const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * A size as Docker shows it (go-units `HumanSizeWithPrecision`): decimal
 * units, `precision` significant digits, no trailing zeros: `4.26MB`, `512B`.
 * `docker images` uses 3 digits, pull progress 4.
 */
export function humanSize(bytes: number, precision = 4): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < UNITS.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${Number(size.toPrecision(precision))}${UNITS[unit]}`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/**
 * A size in binary units as Docker shows memory (go-units `BytesSize`:
 * 4 significant digits, no trailing zeros): `1.5MiB`, `7.629GiB`, `0B`.
 */
export function binarySize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${Number(size.toPrecision(4))}${BINARY_UNITS[unit]}`;
}
