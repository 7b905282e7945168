import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalOptions } from '../../global-options.js';
import { DOCKER_EXEC_OPTIONS } from './options.js';

/** The first argument of `exec ...` that is not an option: the container, for Docker's form and runc's alike. */
export function firstPositional(argv: readonly string[]): string | undefined {
  const valued = new Set(
    DOCKER_EXEC_OPTIONS.filter((o) => o.value !== undefined).flatMap((o) => [
      `--${o.long}`,
      ...(o.short ? [`-${o.short}`] : []),
    ]),
  );
  // runc's options that take a value too: its form must find the same ID.
  for (const o of [
    '--console-socket',
    '--cwd',
    '--process',
    '-p',
    '--pid-file',
    '--apparmor',
    '--cap',
    '-c',
    '--preserve-fds',
    '--additional-gids',
    '-g',
  ]) {
    valued.add(o);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1];
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (valued.has(arg)) i++;
  }
  return undefined;
}

/**
 * `exec` is Docker's (ENGINE.md "Commands and the runc command line") when
 * no `--root` was given, the container argument names an engine container,
 * and no OCI container of the runtime root has that ID; else runc's, whose
 * errors engines match on.
 */
export function isDockerExec(
  argv: readonly string[],
  global: GlobalOptions,
  engineHas: (ref: string) => boolean,
  ociHas: (id: string) => boolean,
): boolean {
  if (global.root !== undefined) return false;
  const ref = firstPositional(argv);
  if (ref === undefined) return false;
  return engineHas(ref) && !ociHas(ref);
}

/** isDockerExec against the engine store under `--data-root` and the runtime root's state records. */
export async function wantsDockerExec(argv: readonly string[], global: GlobalOptions): Promise<boolean> {
  if (global.root !== undefined || firstPositional(argv) === undefined) return false;
  const [{ createContainerStore }, { RUN_ROOT }] = await Promise.all([
    import('@gc/engine'),
    import('../../run-root.js'),
  ]);
  const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
  const engineHas = (ref: string) => {
    try {
      return store.tryFind(ref) !== undefined;
    } catch {
      // An ambiguous prefix: Docker's exec says so.
      return true;
    }
  };
  const ociHas = (id: string) => !id.includes('/') && existsSync(join(RUN_ROOT, id, 'state.json'));
  return isDockerExec(argv, global, engineHas, ociHas);
}
