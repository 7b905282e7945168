import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ContainerRecord,
  type ContainerStore,
  createContainerStore,
  DEFAULT_DETACH_KEYS,
  parseDetachKeys,
  runningInit,
} from '@gc/engine';
import { AT_FDCWD, createKernel, GcError, type Kernel, O_CLOEXEC, O_DIRECTORY, O_PATH } from '@gc/syscall';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { runs } from '../detached/liveness.js';
import { enterRawMode, type RawMode } from '../run/raw-mode.js';
import { attachSession } from './attach-session.js';
import { leaveOnSignals, proxySignals } from './signal-proxy.js';
import { stopReading } from './terminal-relay.js';

const ATTACH_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'detachKeys',
    long: 'detach-keys',
    value: 'KEYS',
    help: 'Override the key sequence for detaching a container (default ctrl-p,ctrl-q)',
  },
  { key: 'noStdin', long: 'no-stdin', help: 'Do not attach STDIN' },
  {
    key: 'sigProxy',
    long: 'sig-proxy',
    help: 'Proxy all received signals to the process (default true; =false: they end gocontainer, the container runs on)',
  },
  { key: 'help', long: 'help', short: 'h', help: 'Show this help' },
];

const USAGE = `Usage: gocontainer attach [OPTIONS] CONTAINER

Attach local standard input, output, and error streams to a running
container: its output always, our input when it was started with -i.
Ctrl-P Ctrl-Q (or --detach-keys) detaches and leaves it running; when it
exits, gocontainer exits with its code.

Options:
`;

/** The attach socket of a container, beside its record (served by its monitor). */
const ATTACH_SOCKET = 'attach.sock';

export async function attachCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  let code: number;
  try {
    const line = parseCommandLine('attach', argv, ATTACH_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(ATTACH_OPTIONS)}\n`);
      return 0;
    }
    const flags = line.flags as { detachKeys?: string; noStdin?: boolean; sigProxy?: boolean };
    if (line.rest.length !== 1)
      throw new UsageError('attach: requires exactly 1 argument (gocontainer attach [OPTIONS] CONTAINER)');
    code = await attach(line.rest[0] as string, flags, global);
  } catch (e) {
    const reported = reportError(e);
    return reported === 125 && !(e instanceof UsageError) ? 1 : reported;
  }
  return code;
}

/**
 * Connect to the socket `name` in `dir` by a path through an fd of the
 * directory (`/proc/self/fd/N/name`): a container's directory under the data
 * root is longer than a socket address may be (sun_path, 108 bytes).
 */
function connectInDir(kernel: Kernel, dir: string, name: string): number {
  const dirFd = kernel.openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  try {
    return kernel.connectUnix(`/proc/self/fd/${dirFd}/${name}`);
  } finally {
    kernel.close(dirFd);
  }
}

async function attach(
  ref: string,
  flags: { detachKeys?: string; noStdin?: boolean; sigProxy?: boolean },
  global: GlobalOptions,
): Promise<number> {
  // Checked first, as Docker does: a bad --detach-keys is the error whatever the container.
  parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
  const kernel = createKernel();
  const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot, kernel } : { kernel });
  const record = store.find(ref);
  try {
    runningInit(record, store.readState(record.id));
  } catch {
    throw new GcError('ENGINE_NOT_RUNNING', 'You cannot attach to a stopped container, start it first');
  }
  if (!existsSync(join(store.dir(record.id), ATTACH_SOCKET))) {
    throw new GcError(
      'ENGINE_NO_ATTACH',
      `container ${record.id} has no attach socket: its monitor serves none (see gocontainer logs)`,
    );
  }
  const withStdin = record.config.openStdin && !flags.noStdin;
  if (record.config.tty && withStdin && !kernel.isatty(0)) {
    throw new UsageError('attach: the input device is not a TTY', 1);
  }
  const socket = connectAttachSocket(kernel, store.dir(record.id));
  const signals = flags.sigProxy === false ? leaveOnSignals() : proxySignals(store, record, true);
  let result: Awaited<ReturnType<typeof runAttached>>;
  try {
    result = await runAttached(kernel, store, record, socket, flags);
  } finally {
    signals.stop();
  }
  if (result.dropped) {
    throw new GcError(
      'ENGINE_ATTACH_DROPPED',
      `the monitor of container ${record.id} let this client go (its output was not read for a second); it runs on`,
    );
  }
  return result.code;
}

/** Connect to the attach socket of the container whose directory is `dir` (its monitor serves it). */
export function connectAttachSocket(kernel: Kernel, dir: string): number {
  return connectInDir(kernel, dir, ATTACH_SOCKET);
}

/**
 * Our stdio attached to a container through its connected attach socket
 * (`socket`, owned from here on): raw mode with a tty and stdin, the detach
 * keys with stdin. Resolves with the container's exit code, or 0 when
 * detached ("read escape sequence" on stderr, as Docker).
 */
export async function runAttached(
  kernel: Kernel,
  store: ContainerStore,
  record: ContainerRecord,
  socket: number,
  flags: { detachKeys?: string; noStdin?: boolean },
): Promise<{ code: number; detached: boolean; dropped: boolean }> {
  let socketOwned = false;
  let rawMode: RawMode | undefined;
  try {
    const detachKeys = parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
    const tty = record.config.tty;
    const withStdin = record.config.openStdin && !flags.noStdin;
    if (tty && withStdin) rawMode = enterRawMode(kernel, 0);
    const alive = () => {
      try {
        kernel.getTermios(0);
        return true;
      } catch {
        return false;
      }
    };
    const session = attachSession(kernel, socket, {
      stdin: withStdin ? 0 : -1,
      stdout: 1,
      stderr: 2,
      // With a terminal only, as Docker: piped input is data, whatever its bytes.
      detachKeys: withStdin && tty ? detachKeys : undefined,
      sizeFrom: tty ? [0, 1].find((fd) => kernel.isatty(fd)) : undefined,
      ...(rawMode ? { zeroIsIdle: alive } : {}),
    });
    socketOwned = true;
    const end = await session.ended;
    if (session.terminalInput) await stopReading(kernel, session.terminalInput, rawMode);
    rawMode?.restore();
    if (end.kind === 'detached') {
      writeSync(2, 'read escape sequence\n');
      return { code: 0, detached: true, dropped: false };
    }
    if (end.kind === 'exited') return { code: end.exitCode, detached: false, dropped: false };
    // The socket closed without an exit frame: the monitor died (the state file has the last it knew),
    // or it dropped this client for not reading (the container runs on).
    const state = store.readState(record.id);
    if (state?.status === 'exited') return { code: state.exitCode, detached: false, dropped: false };
    return { code: 0, detached: false, dropped: runs(state?.monitorPid, state?.monitorStart) };
  } finally {
    rawMode?.restore();
    if (!socketOwned) kernel.close(socket);
  }
}
