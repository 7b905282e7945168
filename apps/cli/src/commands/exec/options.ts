import type { Process } from '@gc/runtime';
import type { OptionSpec } from '../../command-line.js';
import { UsageError } from '../../usage-error.js';

/** `gocontainer exec`'s options: runc's names and texts. */
export const EXEC_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'consoleSocket',
    long: 'console-socket',
    value: 'PATH',
    help: "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal",
  },
  { key: 'cwd', long: 'cwd', value: 'PATH', help: 'current working directory in the container' },
  { key: 'env', long: 'env', short: 'e', value: 'NAME=VALUE', multiple: true, help: 'set environment variables' },
  { key: 'tty', long: 'tty', short: 't', help: 'allocate a pseudo-TTY' },
  { key: 'user', long: 'user', short: 'u', value: 'UID[:GID]', help: 'UID (format: <uid>[:<gid>])' },
  {
    key: 'additionalGids',
    long: 'additional-gids',
    short: 'g',
    value: 'GID',
    multiple: true,
    help: 'additional gids',
  },
  { key: 'process', long: 'process', short: 'p', value: 'FILE', help: 'path to the process.json' },
  { key: 'detach', long: 'detach', short: 'd', help: "detach from the container's process" },
  { key: 'pidFile', long: 'pid-file', value: 'FILE', help: 'specify the file to write the process id to' },
  {
    key: 'apparmor',
    long: 'apparmor',
    value: 'PROFILE',
    help: 'set the apparmor profile for the process (accepted; gocontainer applies no AppArmor profile)',
  },
  { key: 'noNewPrivs', long: 'no-new-privs', help: 'set the no new privileges value for the process' },
  {
    key: 'cap',
    long: 'cap',
    short: 'c',
    value: 'CAP',
    multiple: true,
    help: 'add a capability to the bounding set for the process',
  },
  {
    key: 'preserveFds',
    long: 'preserve-fds',
    value: 'N',
    help: 'Pass N additional file descriptors to the container (stdio + N in total)',
  },
  { key: 'help', long: 'help', short: 'h', help: 'show this help' },
];

/** The flags as parseCommandLine gives them. */
export interface ExecFlags {
  consoleSocket?: string;
  cwd?: string;
  env: string[];
  tty?: boolean;
  user?: string;
  additionalGids: string[];
  process?: string;
  detach?: boolean;
  pidFile?: string;
  noNewPrivs?: boolean;
  cap: string[];
  preserveFds?: string;
}

const MAX_ID = 0xfffffffe;

function parseId(value: string, flag: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_ID) {
    throw new UsageError(`exec: ${flag}: parsing ${JSON.stringify(value)} as int for ${what} failed`, 1);
  }
  return Number(value);
}

/** `--preserve-fds N`: 0 by default. */
export function parsePreserveFds(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value) || Number(value) > 1024) {
    throw new UsageError(
      `exec: --preserve-fds: expected a number of fds from 0 to 1024, got ${JSON.stringify(value)}`,
      1,
    );
  }
  return Number(value);
}

/**
 * The process of `exec ID COMMAND ARG...` (no `--process`), as runc builds
 * it: the container's own `process` (its config.json's) with the command's
 * args, `--cwd`, `--env` appended (a name given again wins), `--tty`,
 * `--no-new-privs`, `--user UID[:GID]` (the gid the config's otherwise),
 * `--additional-gids` appended, and each `--cap` added to the bounding,
 * effective, permitted, inheritable and ambient sets.
 */
export function buildExecProcess(base: Process, args: readonly string[], flags: ExecFlags): Process {
  if (args.length === 0)
    throw new UsageError('exec: process args cannot be empty (gocontainer exec ID COMMAND [ARG...])', 1);
  const process: Process = { ...base, args: [...args], terminal: flags.tty ?? false };
  delete process.consoleSize;
  if (flags.cwd !== undefined) {
    if (!flags.cwd.startsWith('/')) {
      throw new UsageError(`exec: --cwd: expected an absolute path, got ${JSON.stringify(flags.cwd)}`, 1);
    }
    process.cwd = flags.cwd;
  }
  for (const entry of flags.env) {
    if (entry === '' || entry.startsWith('=')) {
      throw new UsageError(`exec: --env: expected NAME=VALUE, got ${JSON.stringify(entry)}`, 1);
    }
  }
  if (flags.env.length > 0) process.env = [...(base.env ?? []), ...flags.env];
  if (flags.noNewPrivs) process.noNewPrivileges = true;
  let user = {
    uid: base.user?.uid ?? 0,
    gid: base.user?.gid ?? 0,
    additionalGids: [...(base.user?.additionalGids ?? [])],
  };
  if (flags.user !== undefined) {
    const [uid = '', gid] = flags.user.split(':', 2);
    user = {
      ...user,
      uid: parseId(uid, '--user', 'uid'),
      ...(gid === undefined ? {} : { gid: parseId(gid, '--user', 'gid') }),
    };
  }
  for (const gid of flags.additionalGids) user.additionalGids.push(parseId(gid, '--additional-gids', 'gid'));
  process.user = user.additionalGids.length > 0 ? user : { uid: user.uid, gid: user.gid };
  if (flags.cap.length > 0) {
    const caps = flags.cap.map((c) =>
      c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`,
    );
    const add = (set: readonly string[] | undefined) => [...new Set([...(set ?? []), ...caps])];
    const have = base.capabilities ?? {};
    process.capabilities = {
      bounding: add(have.bounding),
      effective: add(have.effective),
      permitted: add(have.permitted),
      // Ambient capabilities must be inheritable too, or raising them fails.
      inheritable: add(have.inheritable),
      ambient: add(have.ambient),
    };
  }
  return process;
}
