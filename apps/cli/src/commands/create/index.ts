import { type CreateOptions, createContainer } from '@gc/runtime';
import type { Kernel } from '@gc/syscall';
import type { CommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { preservedFds } from '../../preserved-fds.js';
import { runtimeContext } from '../../runtime-context.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';

const USAGE = `Usage: gocontainer create [OPTIONS] CONTAINER_ID

Create a container from an OCI bundle: everything up to the exec is done, and
its process waits for 'gocontainer start'. Its stdio are this command's.
`;

export const CREATE_OPTIONS = [
  { key: 'bundle', long: 'bundle', short: 'b', value: 'DIR', help: 'the bundle directory (default: the current one)' },
  { key: 'pidFile', long: 'pid-file', value: 'FILE', help: "write the container process's pid to FILE" },
  {
    key: 'consoleSocket',
    long: 'console-socket',
    value: 'PATH',
    help: 'a unix socket to send the pty master to (with process.terminal)',
  },
  { key: 'preserveFds', long: 'preserve-fds', value: 'N', help: 'also pass fds 3 .. 3+N-1 to the container' },
  { key: 'noPivot', long: 'no-pivot', help: 'chroot rather than pivot_root (a root on a ramfs)' },
  { key: 'noNewKeyring', long: 'no-new-keyring', help: 'keep the session keyring rather than make one' },
] as const;

/** `--preserve-fds N`: a whole number. */
export function preserveFds(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--preserve-fds: expected a whole number of fds, got ${JSON.stringify(value)}`, 1);
  return Number(value);
}

export function createCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'create',
      usage: USAGE,
      options: CREATE_OPTIONS,
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ flags, rest }) {
        const ctx = runtimeContext(global);
        const { options, preserved } = createOptions(flags, ctx.kernel, 'create');
        await createContainer(ctx, rest[0] as string, { ...options, stdio: [0, 1, 2, ...preserved] });
        return 0;
      },
    },
    argv,
  );
}

/**
 * What create's flags (runc's run takes them too) ask of createContainer,
 * but the stdio: and the fds of `--preserve-fds`, checked before any fd of
 * ours is opened (those would take the numbers of missing ones).
 */
export function createOptions(
  flags: CommandLine['flags'],
  kernel: Kernel,
  command: string,
): { options: Omit<CreateOptions, 'stdio'>; preserved: number[] } {
  const f = flags as Record<string, string | boolean | undefined>;
  const preserved = preservedFds(kernel, preserveFds(f.preserveFds as string | undefined), command);
  const cache = seccompCache();
  return {
    preserved,
    options: {
      ...(typeof f.bundle === 'string' ? { bundle: f.bundle } : {}),
      ...(typeof f.pidFile === 'string' ? { pidFile: f.pidFile } : {}),
      ...(typeof f.consoleSocket === 'string' ? { consoleSocket: f.consoleSocket } : {}),
      noPivot: f.noPivot === true,
      noNewKeyring: f.noNewKeyring === true,
      ...(cache ? { seccompCache: cache } : {}),
    },
  };
}
