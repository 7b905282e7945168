import { createContainer, deleteContainer, startCreatedContainer } from '@gc/runtime';
import { shellExitCode } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { seccompCache } from '../../seccomp-cache.js';
import { CREATE_OPTIONS, preserveFds } from '../create/index.js';

const USAGE = `Usage: gocontainer run [OPTIONS] CONTAINER_ID   (with --bundle, or in a bundle directory)

runc's run: create and start a container from an OCI bundle, wait for it to
exit, delete it, and exit with its code. With --detach, exit once it started.
(Without --bundle and outside a bundle, 'gocontainer run' is the Docker-style
command: 'gocontainer run --help'.)
`;

const OPTIONS = [
  ...CREATE_OPTIONS,
  { key: 'detach', long: 'detach', short: 'd', help: 'exit once the container started, leaving it running' },
  { key: 'keep', long: 'keep', help: 'do not delete the container after it exited' },
] as const;

/** Signals sent to gocontainer that go on to the container, as runc run forwards them. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Options only runc's run has: any of them (or a bundle in the current directory) makes `run` runc's. */
const OCI_ONLY = new Set([
  '-b',
  '--bundle',
  '--pid-file',
  '--console-socket',
  '--preserve-fds',
  '--no-pivot',
  '--no-new-keyring',
  '--keep',
]);

/**
 * Is this `run` runc's (`run [--bundle B] ID`) rather than Docker's (`run
 * [OPTIONS] COMMAND`)? Yes with an option only runc's has, or with one
 * argument that is a container id and a config.json in the current directory
 * (runc's `cd bundle && runc run ID`).
 */
export function isOciRun(argv: readonly string[], bundleHere: () => boolean): boolean {
  for (const arg of argv) {
    if (!arg.startsWith('-')) break;
    if (OCI_ONLY.has(arg.split('=')[0] as string)) return true;
  }
  const positional = argv.filter((a) => !a.startsWith('-'));
  return positional.length === 1 && /^[\w+.-]+$/.test(positional[0] as string) && bundleHere();
}

export function ociRunCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'run',
      usage: USAGE,
      options: OPTIONS,
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ flags, rest }) {
        const f = flags as Record<string, string | boolean | undefined>;
        const id = rest[0] as string;
        const ctx = runtimeContext(global);
        const cache = seccompCache();
        const created = await createContainer(ctx, id, {
          ...(typeof f.bundle === 'string' ? { bundle: f.bundle } : {}),
          ...(typeof f.pidFile === 'string' ? { pidFile: f.pidFile } : {}),
          ...(typeof f.consoleSocket === 'string' ? { consoleSocket: f.consoleSocket } : {}),
          preserveFds: preserveFds(f.preserveFds as string | undefined),
          noPivot: f.noPivot === true,
          noNewKeyring: f.noNewKeyring === true,
          watch: f.detach !== true,
          ...(cache ? { seccompCache: cache } : {}),
        });
        const init = created.process;
        const forward = (signal: NodeJS.Signals) => init?.kill(signal);
        if (init) for (const s of FORWARDED) process.on(s, forward);
        try {
          await startCreatedContainer(ctx, id);
        } catch (e) {
          await deleteContainer(ctx, id, { force: true });
          throw e;
        }
        if (!init) return 0;
        const status = await init.exited;
        for (const s of FORWARDED) process.off(s, forward);
        if (f.keep !== true) await deleteContainer(ctx, id, { force: true });
        return shellExitCode(status);
      },
    },
    argv,
  );
}
