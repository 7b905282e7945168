import type { DockerRunFlags } from '@gc/engine/spec';
import type { OptionSpec } from '../../command-line.js';

/** `gocontainer run`'s flags as the command line hands them over: the spec's (`@gc/engine`), then how it runs. */
export interface RunFlags extends DockerRunFlags {
  rm?: boolean;
  interactive?: boolean;
  tty?: boolean;
}

/** `gocontainer run`'s options: Docker's names and meanings. */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'rootfs',
    long: 'rootfs',
    value: 'DIR',
    help: 'root filesystem directory (default: an overlay of the host root)',
  },
  {
    key: 'entrypoint',
    long: 'entrypoint',
    value: 'CMD',
    help: "an image's: replace its Entrypoint (and Cmd); '' clears it",
  },
  {
    key: 'pull',
    long: 'pull',
    value: 'WHEN',
    help: 'pull the image: missing (default), always or never',
  },
  { key: 'init', long: 'init', help: 'an init as PID 1 that forwards signals and reaps processes' },
  { key: 'hostname', long: 'hostname', short: 'h', value: 'NAME', help: 'container host name (default: its id)' },
  {
    key: 'env',
    long: 'env',
    short: 'e',
    value: 'KEY=VALUE',
    multiple: true,
    help: "set a variable (KEY alone: the caller's)",
  },
  { key: 'workdir', long: 'workdir', short: 'w', value: 'DIR', help: 'working directory inside the container' },
  { key: 'network', long: 'network', value: 'MODE', help: 'none (own namespace, loopback up; default) or host' },
  { key: 'readOnly', long: 'read-only', help: 'mount the root filesystem read-only' },
  { key: 'volume', long: 'volume', short: 'v', value: 'HOST:CTR[:ro]', multiple: true, help: 'bind mount a host path' },
  {
    key: 'user',
    long: 'user',
    short: 'u',
    value: 'USER[:GROUP]',
    help: "user and group from the container's /etc/passwd",
  },
  { key: 'capAdd', long: 'cap-add', value: 'CAP', multiple: true, help: 'add a capability (or ALL)' },
  { key: 'capDrop', long: 'cap-drop', value: 'CAP', multiple: true, help: 'drop a capability (or ALL)' },
  {
    key: 'securityOpt',
    long: 'security-opt',
    value: 'OPT',
    multiple: true,
    help: 'seccomp=FILE|unconfined, no-new-privileges[=true|false]',
  },
  { key: 'privileged', long: 'privileged', help: 'all capabilities and devices, no seccomp, no masked paths' },
  {
    key: 'device',
    long: 'device',
    value: 'HOST[:CTR[:PERMS]]',
    multiple: true,
    help: 'add a host device node (PERMS: some of rwm, default rwm)',
  },
  {
    key: 'deviceCgroupRule',
    long: 'device-cgroup-rule',
    value: 'RULE',
    multiple: true,
    help: "allow devices: 'TYPE MAJOR:MINOR PERMS' ('c 13:* rwm')",
  },
  {
    key: 'ulimit',
    long: 'ulimit',
    value: 'NAME=SOFT[:HARD]',
    multiple: true,
    help: 'a resource limit (nofile=1024:2048)',
  },
  { key: 'sysctl', long: 'sysctl', value: 'KEY=VALUE', multiple: true, help: 'a namespaced kernel parameter' },
  { key: 'memory', long: 'memory', short: 'm', value: 'SIZE', help: 'memory limit (512m, 1g)' },
  { key: 'memorySwap', long: 'memory-swap', value: 'SIZE', help: 'memory plus swap limit; -1: unlimited swap' },
  { key: 'memoryReservation', long: 'memory-reservation', value: 'SIZE', help: 'memory soft limit' },
  { key: 'cpus', long: 'cpus', value: 'N', help: 'number of CPUs (1.5)' },
  { key: 'cpuShares', long: 'cpu-shares', value: 'N', help: 'relative CPU weight (2 to 262144)' },
  { key: 'cpusetCpus', long: 'cpuset-cpus', value: 'LIST', help: 'CPUs the container may use (0-1)' },
  { key: 'pidsLimit', long: 'pids-limit', value: 'N', help: 'the most processes at once (-1: unlimited)' },
  { key: 'blkioWeight', long: 'blkio-weight', value: 'N', help: 'relative block IO weight (10 to 1000; 0: off)' },
  { key: 'cgroupParent', long: 'cgroup-parent', value: 'PATH', help: 'the cgroup the container cgroup is made under' },
  { key: 'oomScoreAdj', long: 'oom-score-adj', value: 'N', help: 'OOM killer preference, -1000 to 1000' },
  {
    key: 'rm',
    long: 'rm',
    help: 'remove the container once it exits (a foreground run without --name, --restart, --log-opt is not kept anyway)',
  },
  { key: 'detach', long: 'detach', short: 'd', help: 'run in the background under a monitor; print its ID' },
  {
    key: 'name',
    long: 'name',
    value: 'NAME',
    help: 'a name for the container, kept (ps -a, logs, start) after it exits unless --rm',
  },
  {
    key: 'restart',
    long: 'restart',
    value: 'POLICY',
    help: 'no (default), on-failure[:N], always, unless-stopped (the container is kept)',
  },
  {
    key: 'logOpt',
    long: 'log-opt',
    value: 'KEY=VALUE',
    multiple: true,
    help: 'the json-file log: max-size=10m, max-file=3 (the container is kept)',
  },
  {
    key: 'detachKeys',
    long: 'detach-keys',
    value: 'KEYS',
    help: 'the keys that detach -i from a kept container, leaving it running (default ctrl-p,ctrl-q)',
  },
  {
    key: 'sigProxy',
    long: 'sig-proxy',
    help: 'pass the signals gocontainer gets on to the container (default true; =false: they end gocontainer, and the container, kept, runs on)',
  },
  { key: 'interactive', long: 'interactive', short: 'i', help: 'keep standard input attached (else /dev/null)' },
  { key: 'tty', long: 'tty', short: 't', help: 'a terminal of its own (with neither -i nor -t, on a terminal: -it)' },
  { key: 'help', long: 'help', help: 'show this help' },
];
