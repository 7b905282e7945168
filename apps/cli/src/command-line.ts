import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** One option of a command, Docker style: `-e, --env KEY=VALUE`. */
export interface OptionSpec {
  /** The key in the parsed flags (camelCase of the long name). */
  readonly key: string;
  readonly long: string;
  readonly short?: string;
  /** The value's placeholder; absent for a boolean flag. */
  readonly value?: string;
  /** May be given several times: the flags hold every value, in order. */
  readonly multiple?: boolean;
  readonly help: string;
}

export interface CommandLine {
  flags: Record<string, string | boolean | string[] | undefined>;
  /** The first argument that is not an option, and everything after it, untouched. */
  rest: string[];
}

/**
 * Parse `[OPTIONS] COMMAND [ARG...]` with node:util's parseArgs. Options stop
 * at the first argument that is not one (or at `--`): what follows belongs to
 * the command inside the container, as with `docker run`.
 */
export function parseCommandLine(command: string, argv: readonly string[], specs: readonly OptionSpec[]): CommandLine {
  const byLong = new Map(specs.map((s) => [`--${s.long}`, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [`-${s.short}`, s]));
  let end = 0;
  // The options as parseArgs gets them: a value in the next argument is joined
  // to its option (`--memory-swap -1` becomes `--memory-swap=-1`), so a value
  // that starts with a dash is taken as pflag (docker's parser) takes it,
  // rather than refused as "ambiguous".
  const joined: string[] = [];
  // A boolean given a value, as pflag takes one (`--rm=false`, `-d=true`): true is the flag, false its absence.
  const setFalse = new Set<string>();
  while (end < argv.length) {
    const arg = argv[end] as string;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') break;
    const name = arg.startsWith('--') ? arg.split('=')[0] : arg.slice(0, 2);
    const spec = arg.startsWith('--') ? byLong.get(name as string) : byShort.get(name as string);
    const eq = arg.indexOf('=');
    if (spec && spec.value === undefined && eq === (name as string).length) {
      const value = parseBool(arg.slice(eq + 1));
      if (value === undefined) {
        throw new UsageError(
          `${command}: ${name}: "${arg.slice(eq + 1)}" is not a boolean (expected true or false, as --${spec.long}=false)`,
        );
      }
      if (value) {
        setFalse.delete(spec.key);
        joined.push(`--${spec.long}`);
      } else {
        setFalse.add(spec.key);
        // The last one given counts, as with pflag: an earlier --rm goes, and the t of an earlier -it.
        for (let i = joined.length - 1; i >= 0; i--) {
          const earlier = joined[i] as string;
          if (earlier === `--${spec.long}` || (spec.short && earlier === `-${spec.short}`)) joined.splice(i, 1);
          else if (spec.short && isBooleanCluster(earlier, byShort) && earlier.includes(spec.short)) {
            const rest = earlier.replaceAll(spec.short, '');
            if (rest === '-') joined.splice(i, 1);
            else joined[i] = rest;
          }
        }
      }
      end += 1;
      continue;
    }
    // A value in the next argument: `--env A=1`, `-e A=1` (not `--env=A=1`, `-eA=1`, nor `-it`).
    const valueFollows = spec?.value !== undefined && (arg.startsWith('--') ? !arg.includes('=') : arg.length === 2);
    if (valueFollows && spec && end + 1 < argv.length) {
      joined.push(`--${spec.long}=${argv[end + 1]}`);
      end += 2;
    } else {
      joined.push(arg);
      end += 1;
    }
  }
  const options = Object.fromEntries(
    specs.map((s) => [
      s.long,
      {
        type: s.value === undefined ? 'boolean' : 'string',
        multiple: s.multiple ?? false,
        ...(s.short ? { short: s.short } : {}),
      },
    ]),
  ) as NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: joined, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
  const flags: CommandLine['flags'] = {};
  for (const s of specs) {
    const v = values[s.long] as string | boolean | string[] | undefined;
    flags[s.key] = s.multiple
      ? ((v as string[] | undefined) ?? [])
      : setFalse.has(s.key) && v === undefined
        ? false
        : v;
  }
  const rest = argv.slice(argv[end] === '--' ? end + 1 : end);
  return { flags, rest };
}

/** `-it`: short booleans given together (not `-ehello`, a value). */
function isBooleanCluster(arg: string, byShort: ReadonlyMap<string, OptionSpec>): boolean {
  if (!/^-[A-Za-z]{2,}$/.test(arg)) return false;
  return [...arg.slice(1)].every((c) => {
    const spec = byShort.get(`-${c}`);
    return spec !== undefined && spec.value === undefined;
  });
}

/** pflag's booleans (Go's strconv.ParseBool): 1, t, true, 0, f, false, in any of its cases. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

/** The option list of a command's help. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const left = specs.map((s) => `${s.short ? `-${s.short}, ` : '    '}--${s.long}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return specs.map((s, i) => `  ${(left[i] as string).padEnd(width)}${s.help}`).join('\n');
}
