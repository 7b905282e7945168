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
 * of its command (untimed). `shell: false`: commands and prepares are run
 * without a shell (wrap what needs one in `bash -c '...'`).
 */
export function hyperfine(commands, { runs, env, work, shell = true }) {
  const json = join(work, 'hyperfine.json');
  execFileSync(
    'hyperfine',
    [
      // Without a shell (-N), a command is split into words and run as it is: no shell's start to subtract.
      shell ? '--shell=bash' : '-N',
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
