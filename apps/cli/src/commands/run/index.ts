import { randomBytes } from 'node:crypto';
import { createRunDir, type RunDir, type RunningContainer, startContainer } from '@gc/runtime';
import { type Command, Option } from 'commander';
import { reportError } from '../../report-error.js';
import { buildRunRequest, type RunFlags } from './options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Signals sent to gocontainer that go on to the container, as `docker run` does. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export function registerRun(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('Run a command in a new container')
    .usage('[OPTIONS] COMMAND [ARG...]')
    .helpOption('--help', 'show help')
    .argument('<command>', 'absolute path of the command, inside the container')
    .argument('[args...]', 'its arguments')
    .option('--rootfs <dir>', 'root filesystem directory (default: a throwaway overlay of the host root)')
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .option('-h, --hostname <name>', 'container host name (default: the container id)')
    .option('-e, --env <KEY=VALUE>', "set an environment variable (KEY alone passes the caller's)", collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--rm', 'remove the container when it exits (always so for now)')
    .addOption(new Option('--network <mode>', 'network: none (own namespace, loopback up) or host').default('none'))
    .option('--read-only', 'mount the container root filesystem read-only')
    .option('-v, --volume <HOST:CONTAINER[:ro]>', 'bind mount a host path', collect, [])
    .option('--cap-add <CAP>', 'add a capability (or ALL)', collect, [])
    .option('--cap-drop <CAP>', 'drop a capability (or ALL)', collect, [])
    .option('--security-opt <OPT>', 'seccomp=FILE|unconfined, no-new-privileges[=true|false]', collect, [])
    .option('--privileged', 'all capabilities, no seccomp, no masked paths')
    .option(
      '-u, --user <user[:group]>',
      "user and group, by name or id, from the container's /etc/passwd and /etc/group",
    )
    .option('--ulimit <name=soft[:hard]>', 'a resource limit (nofile=1024:2048)', collect, [])
    .option('--sysctl <KEY=VALUE>', 'a namespaced kernel parameter', collect, [])
    .option('--oom-score-adj <n>', 'the OOM killer preference, -1000 to 1000')
    .option('-m, --memory <size>', 'memory limit (such as 512m or 1g)')
    .option('--memory-swap <size>', 'memory plus swap limit, or -1 for unlimited swap')
    .option('--memory-reservation <size>', 'memory soft limit')
    .option('--cpus <n>', 'number of CPUs (such as 1.5)')
    .option('--cpu-shares <n>', 'relative CPU weight (2 to 262144)')
    .option('--cpuset-cpus <list>', 'CPUs the container may use (such as 0-1)')
    .option('--pids-limit <n>', 'the most processes at once (-1: unlimited)')
    .option('--blkio-weight <n>', 'relative block IO weight (10 to 1000, 0 off)')
    .option('--cgroup-parent <path>', 'the cgroup the container cgroup is made under')
    .option('-i, --interactive', 'keep standard input open (always so)')
    .option('-t, --tty', "use the caller's terminal (always so when there is one)")
    .passThroughOptions()
    .action(async (command: string, args: string[], flags: RunFlags) => {
      setExitCode(await run(command, args, flags));
    });
}

function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

async function run(command: string, args: string[], flags: RunFlags): Promise<number> {
  const id = randomBytes(32).toString('hex');
  let container: RunningContainer | undefined;
  const pending: NodeJS.Signals[] = [];
  const forward = (signal: NodeJS.Signals) => {
    if (container) container.kill(signal);
    else pending.push(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  let runDir: RunDir | undefined;
  try {
    const request = buildRunRequest(command, args, flags, id);
    if (request.hostRootOverlay) runDir = createRunDir(id);
    container = await startContainer(request.spec, {
      init: request.init,
      containerId: id,
      ...(request.cgroupParent ? { cgroupParent: request.cgroupParent } : {}),
      ...(runDir ? { overlay: { lower: ['/'], upper: runDir.upper, work: runDir.work } } : {}),
    });
    for (const s of pending.splice(0)) container.kill(s);
    const exit = await container.exited;
    if (exit.oomKilled) {
      const limit = exit.memoryLimit === undefined ? '' : ` (memory limit ${formatSize(exit.memoryLimit)})`;
      process.stderr.write(`gocontainer: container was OOM killed${limit}\n`);
    }
    return exit.exitCode;
  } catch (e) {
    return reportError(e);
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
    runDir?.remove();
  }
}
