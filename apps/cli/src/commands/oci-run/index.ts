import { createContainer, deleteContainer, readBundle, startCreatedContainer } from '@gc/runtime';
import { shellExitCode } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { reportWarning } from '../../report-error.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';
import { CREATE_OPTIONS, createOptions } from '../create/index.js';
import { openStdio, type Stdio } from '../run/stdio.js';

const USAGE = `Usage: gocontainer run [OPTIONS] CONTAINER_ID   (with --bundle, or in a bundle directory)

runc's run: create and start a container from an OCI bundle, wait for it to
exit, delete it, and exit with its code. With --detach, exit once it started.
A config with process.terminal gets a pty of its own, relayed to this
terminal (or sent to --console-socket).
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
        const detach = f.detach === true;
        const ctx = runtimeContext(global);
        const { options, preserved } = createOptions(flags, ctx.kernel, 'run');
        const bundle = options.bundle ?? process.cwd();
        const { spec } = readBundle(bundle);
        const terminal = spec.process.terminal === true;
        const consoleSocket = options.consoleSocket;
        if (terminal && detach && consoleSocket === undefined) {
          throw new UsageError(
            'run: cannot allocate a tty if gocontainer will detach without setting --console-socket',
            1,
          );
        }
        // A pty of the container's own relayed to ours, as runc run does without a console socket.
        let stdio: Stdio | undefined =
          terminal && consoleSocket === undefined ? openStdio(ctx.kernel, { tty: true, interactive: true }) : undefined;
        try {
          // The pty starts at the size of ours (then follows it: SIGWINCH).
          const size = stdio?.consoleSize;
          const config =
            size && spec.process.consoleSize === undefined
              ? { ...spec, process: { ...spec.process, consoleSize: { height: size.rows, width: size.columns } } }
              : spec;
          const created = await createContainer(ctx, id, {
            ...options,
            bundle,
            config,
            ...(stdio?.consoleSocket !== undefined ? { consoleSocket: stdio.consoleSocket } : {}),
            stdio: [...(stdio?.fds ?? [0, 1, 2]), ...preserved],
            watch: !detach,
          });
          const init = created.process;
          const forward = (signal: NodeJS.Signals) => init?.kill(signal);
          if (init) for (const s of FORWARDED) process.on(s, forward);
          try {
            for (const w of await startCreatedContainer(ctx, id)) reportWarning(w);
          } catch (e) {
            await deleteContainer(ctx, id, { force: true });
            throw e;
          }
          if (!init) return 0;
          const relayed = stdio?.attach(init.exited, () => init.kill('SIGKILL'));
          stdio = undefined;
          const [status] = await Promise.all([init.exited, relayed]);
          for (const s of FORWARDED) process.off(s, forward);
          if (f.keep !== true) for (const w of await deleteContainer(ctx, id, { force: true })) reportWarning(w);
          return shellExitCode(status);
        } finally {
          stdio?.close();
        }
      },
    },
    argv,
  );
}
