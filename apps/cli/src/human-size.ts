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
