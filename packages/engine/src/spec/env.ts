import { controlCharacter, show } from './check-path.js';
import { DEFAULT_PATH } from './docker-defaults.js';
import { usageError } from './usage-error.js';

/**
 * The container's environment: Docker's defaults, then the image's Env (its
 * PATH replaces the default one), then each `-e` (`-e NAME` takes the value
 * of `callerEnv`, the caller's environment, as TERM is with a terminal). A name must
 * be non-empty (Docker: "invalid environment variable"), and without
 * whitespace or control characters: no shell nor program can read such a
 * variable, so it is a typo (`-e 'A B=c'`) or a trick. A value may hold anything.
 */
export function buildEnv(
  flagsEnv: string[],
  hostname: string,
  stdinIsTerminal: boolean,
  imageEnv: readonly [string, string][] = [],
  callerEnv: Readonly<Record<string, string | undefined>> = {},
): string[] {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', hostname],
    ['HOME', '/root'],
  ]);
  if (stdinIsTerminal && callerEnv.TERM) env.set('TERM', callerEnv.TERM);
  for (const [name, value] of imageEnv) env.set(name, value);
  for (const entry of flagsEnv) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    checkName(entry, name);
    if (eq > 0) env.set(name, entry.slice(eq + 1));
    else {
      // `-e NAME` passes the caller's value through, as Docker does; unset stays unset.
      const value = callerEnv[entry];
      if (value !== undefined) env.set(entry, value);
    }
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function checkName(entry: string, name: string): void {
  if (name === '')
    throw usageError(`--env: invalid environment variable ${show(entry)}: the name is empty (NAME=VALUE)`);
  const control = controlCharacter(name);
  if (control) throw usageError(`--env: the name of ${show(entry)} contains ${control}`);
  if (/\s/.test(name)) throw usageError(`--env: the name of ${show(entry)} contains whitespace`);
}
