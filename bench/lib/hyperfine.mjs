import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment a fresh machine's `node` would have: NODE_EXTRA_CA_CERTS
 * (set on the development machines) makes every `node` start parse a
 * certificate bundle first, so it goes unless `keep` is set.
 */
export function benchEnv(keep) {
  const env = { ...process.env };
  const stripped = !keep && env.NODE_EXTRA_CA_CERTS !== undefined;
  if (stripped) delete env.NODE_EXTRA_CA_CERTS;
  return { env, stripped };
}

/**
 * One hyperfine run of `commands` ([name, command line, { prepare }?]), its
 * output shown; returns hyperfine's results. `prepare` runs before each run
 * of its command (untimed).
 */
export function hyperfine(commands, { runs, env, work }) {
  const json = join(work, 'hyperfine.json');
  execFileSync(
    'hyperfine',
    [
      '--shell=bash',
      '--warmup',
      '3',
      '--runs',
      String(runs),
      '--export-json',
      json,
      ...(commands.some((c) => c[2]?.prepare) ? commands.flatMap((c) => ['--prepare', c[2]?.prepare ?? 'true']) : []),
      ...commands.flatMap(([name, cmd]) => ['-n', name, cmd]),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  return JSON.parse(readFileSync(json, 'utf8')).results;
}
