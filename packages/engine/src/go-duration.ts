const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go duration (`10m`, `1h30m`, `1.5s`, `.5s`, `300ms`), as Docker's
 * `--since` and runc's `--interval` take one, in milliseconds; undefined
 * when the text is none (empty, a unit missing, anything after).
 */
export function parseGoDuration(text: string): number | undefined {
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    at = part.lastIndex;
  }
  return text === '' || at !== text.length ? undefined : ms;
}
