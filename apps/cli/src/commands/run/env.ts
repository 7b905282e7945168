import { DEFAULT_PATH } from '@gc/engine';
import { UsageError } from '../../usage-error.js';
import { controlCharacter, show } from './check-path.js';

/**
 * The container's environment: Docker's defaults, then the image's Env (its
 * PATH replaces the default one), then each `-e`. A name must
 * be non-empty (Docker: "invalid environment variable"), and without
 * whitespace or control characters: no shell nor program can read such a
 * variable, so it is a typo (`-e 'A B=c'`) or a trick. A value may hold anything.
 */
export function buildEnv(
  flagsEnv: string[],
  hostname: string,
  stdinIsTerminal: boolean,
  imageEnv: readonly [string, string][] = [],
): string[] {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', hostname],
    ['HOME', '/root'],
  ]);
  if (stdinIsTerminal && process.env.TERM) env.set('TERM', process.env.TERM);
  for (const [name, value] of imageEnv) env.set(name, value);
  for (const entry of flagsEnv) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    checkName(entry, name);
    if (eq > 0) env.set(name, entry.slice(eq + 1));
    else {
      // `-e NAME` passes the caller's value through, as Docker does; unset stays unset.
      const value = process.env[entry];
      if (value !== undefined) env.set(entry, value);
    }
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function checkName(entry: string, name: string): void {
  if (name === '')
    throw new UsageError(`--env: invalid environment variable ${show(entry)}: the name is empty (NAME=VALUE)`);
  const control = controlCharacter(name);
  if (control) throw new UsageError(`--env: the name of ${show(entry)} contains ${control}`);
  if (/\s/.test(name)) throw new UsageError(`--env: the name of ${show(entry)} contains whitespace`);
}
