import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  type Dirent,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer, hostMounts, processesMatching, type Ran } from '../../test-support/gocontainer.js';

/**
 * Issue 9, "careless arguments": hostile and mistaken values of every `run`
 * flag, each with its exit code and its one-line message, and the good edge
 * values that must work. Whatever the case, nothing is left behind: no mount,
 * cgroup, run directory, process, nor anything new in the container's root.
 */

const RUN_ROOT = '/run/gocontainer';
/** A working directory that `--rootfs /` must not make on the host. */
const MADE_ON_HOST = '/gc-careless-made';
const CGROUP_ROOT = '/sys/fs/cgroup';
/** Every case's --cgroup-parent, unless the case gives its own (the last one wins). */
const PARENT = `gc-careless-${process.pid}`;
const CPUS = availableParallelism();
const ONLINE = canRunIntegration() ? readFileSync('/sys/devices/system/cpu/online', 'utf8').trim() : '0';
/** The first CPU past the online ones. */
const BEYOND = Math.max(...ONLINE.split(/[,-]/).map(Number)) + 1;
/** Lowering oom_score_adj needs CAP_SYS_RESOURCE, which a CI container may lack. */
const HAS_SYS_RESOURCE = canRunIntegration()
  ? (BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`) >> 24n) & 1n
  : 0n;
const CPU_RANGE = `the range of CPUs is from 0\\.01 to ${CPUS}\\.00, as there are only ${CPUS} CPUs available`;

interface Case {
  /** The flags and command after `run --rootfs ROOT` (a later --rootfs wins). */
  args: string[];
  /** Run on the host's root (an overlay in a run directory) rather than the busybox root. */
  hostRoot?: boolean;
  code: number;
  /** The whole of stderr: one line, or nothing. */
  stderr: RegExp | '';
  stdout?: RegExp;
}

const bad = (args: string[], stderr: RegExp): Case => ({ args, code: 125, stderr });
const good = (args: string[], stdout?: RegExp): Case => ({ args, code: 0, stderr: '', ...(stdout ? { stdout } : {}) });
const T = '/bin/true';
const SH = (script: string) => ['/bin/sh', '-c', script];

/** Filled in beforeAll: paths on the host the cases use. */
const host = { scratch: '', toSlash: '', badProfile: '', notJson: '' };

function cases(): Case[] {
  const long = 'a'.repeat(256);
  return [
    // The command line itself.
    bad(['--bogus', T], /^gocontainer: run: Unknown option '--bogus'$/),
    bad(['-x', T], /^gocontainer: run: Unknown option '-x'$/),
    bad(['-m'], /^gocontainer: run: Option '-m, --memory <value>' argument missing$/),
    bad(['--memory-swap'], /^gocontainer: run: Option '--memory-swap <value>' argument missing$/),
    // A boolean takes true or false after =, as Docker's do (and 1, 0, t, f).
    bad(
      ['--privileged=yes', T],
      /^gocontainer: run: --privileged: "yes" is not a boolean \(expected true or false, as --privileged=false\)$/,
    ),
    bad(
      ['--rm=maybe', T],
      /^gocontainer: run: --rm: "maybe" is not a boolean \(expected true or false, as --rm=false\)$/,
    ),
    good(['--rm=1', T]),
    good(['--rm', '--rm=false', T]),
    // --sig-proxy (the default): a plain run, signals passed on.
    good(['--sig-proxy', T]),
    bad(['--sig-proxy=sometimes', T], /^gocontainer: run: --sig-proxy: "sometimes" is not a boolean/),
    bad([], /^gocontainer: run: missing COMMAND/),
    bad(['bin/true'], /^gocontainer: "bin\/true" is not an absolute command path/),
    bad(['--', '--rm'], /^gocontainer: "--rm" is not an absolute command path/),
    // Kept containers' options (-d, or a foreground run given them): their values checked before anything is made.
    bad(['--name', '-bad', T], /^gocontainer: --name: invalid container name "-bad"/),
    bad(['--restart', 'sometimes', T], /^gocontainer: --restart: invalid restart policy "sometimes"/),
    bad(['--log-opt', 'max-size=huge', T], /^gocontainer: --log-opt: max-size "huge" is not a size/),
    bad(['--detach-keys', 'ctrl-1', T], /^gocontainer: --detach-keys: invalid detach keys "ctrl-1"/),
    bad(
      ['-d', '--restart', 'sometimes', T],
      /^gocontainer: --restart: invalid restart policy "sometimes" \(expected no, always, unless-stopped or on-failure\[:MAX-RETRIES\]\)$/,
    ),
    bad(
      ['-d', '--restart', 'on-failure:x', T],
      /^gocontainer: --restart: maximum retry count "x" is not a non-negative integer/,
    ),
    bad(['-d', '--log-opt', 'max-size=huge', T], /^gocontainer: --log-opt: max-size "huge" is not a size/),
    bad(['-d', '--log-opt', 'foo=1', T], /^gocontainer: --log-opt: unknown log opt "foo" for the json-file log driver/),
    bad(['-d', '--name', '-bad', T], /^gocontainer: --name: invalid container name "-bad"/),
    // An image's options, on a root that is no image.
    bad(
      ['--entrypoint', '/bin/sh', T],
      /^gocontainer: --entrypoint: only with an image \(gocontainer run --entrypoint CMD IMAGE\)/,
    ),
    bad(
      ['--pull', 'sometimes', T],
      /^gocontainer: --pull: "sometimes" is not a pull policy \(expected missing, always or never\)$/,
    ),
    { args: ['/no/such'], code: 127, stderr: /^gocontainer: no such file or directory: \/no\/such$/ },
    { args: ['/etc/passwd'], code: 126, stderr: /^gocontainer: permission denied: \/etc\/passwd cannot be executed$/ },
    bad(['-it', '--rm', T], /^gocontainer: --interactive with --tty: standard input is not a terminal/),
    good(['--help'], /^Usage: gocontainer run \[OPTIONS\] IMAGE \[COMMAND\]/),
    { args: ['/bin/a\nb'], code: 127, stderr: /^gocontainer: no such file or directory: \/bin\/a\\nb$/ },
    // On the host's root, a late failure must remove the run directory too.
    { ...good([T]), hostRoot: true },
    {
      ...bad(['-w', '/sys/gc-careless', T], /^gocontainer: --workdir: "\/sys\/gc-careless": create .*EROFS/),
      hostRoot: true,
    },
    {
      ...bad(['-w', `/${`${'d'.repeat(99)}/`.repeat(50)}`, T], / is 5001 bytes long \(at most 4095\)$/),
      hostRoot: true,
    },
    good(['--init', ...SH('echo init')], /^init\n$/),

    // -m, --memory
    bad(['-m', '5m', T], /^gocontainer: --memory: "5m" is below the minimum memory limit of 6MB$/),
    bad(['-m', '6291455', T], /^gocontainer: --memory: "6291455" is below the minimum memory limit of 6MB$/),
    bad(
      ['-m', '18446744073709551616', T],
      /^gocontainer: --memory: "18446744073709551616" is too large \(at most 8191t\)$/,
    ),
    bad(['-m', '9p', T], /^gocontainer: --memory: "9p" is too large/),
    bad(
      ['-m', '-1', T],
      /^gocontainer: --memory: "-1" is not a size \(a number with b, k, m, g, t or p, such as 50m\)$/,
    ),
    bad(['-m', 'lots', T], /^gocontainer: --memory: "lots" is not a size/),
    bad(['-m', '1x', T], /^gocontainer: --memory: "1x" is not a size/),
    bad(['-m', '', T], /^gocontainer: --memory: "" is not a size/),
    bad(['-m', '1.5.5m', T], /^gocontainer: --memory: "1.5.5m" is not a size/),
    bad(['-m', ' 64m', T], /^gocontainer: --memory: " 64m" is not a size/),
    good(['-m', '6m', T]),
    good(['-m', '0', T]),
    good(['--memory=64MiB', ...SH('echo ok')], /^ok\n$/),

    // --memory-swap
    good(['--memory-swap', '-1', '-m', '64m', T]),
    good(['--memory-swap', '-1', T]),
    good(['-m', '64m', '--memory-swap', '0', T]),
    bad(['--memory-swap', '1g', T], /^gocontainer: --memory-swap: "1g" needs a --memory limit as well/),
    bad(
      ['-m', '1g', '--memory-swap', '512m', T],
      /^gocontainer: --memory-swap: "512m" is below --memory "1g": it counts memory plus swap/,
    ),
    bad(['-m', '64m', '--memory-swap', '-2', T], /^gocontainer: --memory-swap: "-2" is not a size/),
    bad(['-m', '64m', '--memory-swap', 'x', T], /^gocontainer: --memory-swap: "x" is not a size/),

    // --memory-reservation
    good(['-m', '64m', '--memory-reservation', '32m', T]),
    good(['--memory-reservation', '32m', T]),
    bad(
      ['--memory-reservation', '1m', T],
      /^gocontainer: --memory-reservation: "1m" is below the minimum memory reservation of 6MB$/,
    ),
    bad(
      ['-m', '64m', '--memory-reservation', '65m', T],
      /^gocontainer: --memory-reservation: "65m" is above --memory "64m": the soft limit must be below the limit$/,
    ),
    bad(['--memory-reservation', '-1', T], /^gocontainer: --memory-reservation: "-1" is not a size/),

    // --cpus
    good(['--cpus', '0.01', T]),
    good(['--cpus', '0', T]),
    good(['--cpus', String(CPUS), T]),
    good(['--cpus', '.5', T]),
    bad(['--cpus', '0.000001', T], new RegExp(`^gocontainer: --cpus: "0.000001": ${CPU_RANGE} \\(0: no limit\\)$`)),
    bad(['--cpus', '0.009', T], new RegExp(`^gocontainer: --cpus: "0.009": ${CPU_RANGE}`)),
    bad(['--cpus', String(CPUS + 1), T], new RegExp(`^gocontainer: --cpus: "${CPUS + 1}": ${CPU_RANGE}`)),
    bad(['--cpus', `${CPUS}.01`, T], new RegExp(`^gocontainer: --cpus: "${CPUS}.01": ${CPU_RANGE}`)),
    bad(['--cpus', '-1', T], new RegExp(`^gocontainer: --cpus: "-1" is not a number: ${CPU_RANGE}`)),
    bad(['--cpus', 'one', T], /^gocontainer: --cpus: "one" is not a number/),
    bad(['--cpus', '1e0', T], /^gocontainer: --cpus: "1e0" is not a number/),
    bad(['--cpus', '', T], /^gocontainer: --cpus: "" is not a number/),
    bad(['--cpus', '1,5', T], /^gocontainer: --cpus: "1,5" is not a number/),
    bad(['--cpus', 'Infinity', T], /^gocontainer: --cpus: "Infinity" is not a number/),

    // --cpu-shares
    good(['--cpu-shares', '2', T]),
    good(['--cpu-shares', '262144', T]),
    good(['--cpu-shares', '0', T]),
    bad(
      ['--cpu-shares', '-1', T],
      /^gocontainer: --cpu-shares: "-1" is not an integer from 0 to 262144 \(0: the default, 1024\)$/,
    ),
    bad(['--cpu-shares', '1', T], /^gocontainer: --cpu-shares: "1" is below the minimum of 2/),
    bad(['--cpu-shares', '262145', T], /^gocontainer: --cpu-shares: "262145" is not an integer from 0 to 262144/),
    bad(['--cpu-shares', '1.5', T], /^gocontainer: --cpu-shares: "1.5" is not an integer/),
    bad(['--cpu-shares', 'x', T], /^gocontainer: --cpu-shares: "x" is not an integer/),

    // --cpuset-cpus
    good(['--cpuset-cpus', '0', T]),
    good(['--cpuset-cpus', ONLINE, T]),
    bad(
      ['--cpuset-cpus', '999', T],
      new RegExp(
        `^gocontainer: --cpuset-cpus: "999": requested CPUs are not available \\(999\\); available: ${ONLINE}$`,
      ),
    ),
    bad(['--cpuset-cpus', String(BEYOND), T], /^gocontainer: --cpuset-cpus: "\d+": requested CPUs are not available/),
    bad(['--cpuset-cpus', '0-99999999', T], /^gocontainer: --cpuset-cpus: "0-99999999" is not a CPU list/),
    bad(['--cpuset-cpus', '1-0', T], /^gocontainer: --cpuset-cpus: "1-0" is not a CPU list \(such as 0-2,4; this host/),
    bad(['--cpuset-cpus', '', T], /^gocontainer: --cpuset-cpus: "" is not a CPU list/),
    bad(['--cpuset-cpus', '0,', T], /^gocontainer: --cpuset-cpus: "0," is not a CPU list/),
    bad(['--cpuset-cpus', '-1', T], /^gocontainer: --cpuset-cpus: "-1" is not a CPU list/),

    // --pids-limit
    good(['--pids-limit', '-1', T]),
    good(['--pids-limit', '0', T]),
    good(['--pids-limit', '64', ...SH('echo ok')], /^ok\n$/),
    bad(
      ['--pids-limit', '-2', T],
      /^gocontainer: --pids-limit: "-2" is not an integer from -1 to 4194304 \(-1 or 0: unlimited\)$/,
    ),
    bad(['--pids-limit', '4194305', T], /^gocontainer: --pids-limit: "4194305" is not an integer from -1 to 4194304/),
    bad(['--pids-limit', 'many', T], /^gocontainer: --pids-limit: "many" is not an integer/),
    bad(['--pids-limit', '1.5', T], /^gocontainer: --pids-limit: "1.5" is not an integer/),

    // --blkio-weight
    good(['--blkio-weight', '0', T]),
    good(['--blkio-weight', '10', T]),
    good(['--blkio-weight', '1000', T]),
    bad(['--blkio-weight', '9', T], /^gocontainer: --blkio-weight: "9": the range of blkio weight is from 10 to 1000/),
    bad(['--blkio-weight', '1001', T], /^gocontainer: --blkio-weight: "1001" is not an integer from 0 to 1000/),
    bad(['--blkio-weight', '-1', T], /^gocontainer: --blkio-weight: "-1" is not an integer from 0 to 1000/),
    bad(['--blkio-weight', 'x', T], /^gocontainer: --blkio-weight: "x" is not an integer/),

    // --oom-score-adj
    good(['--oom-score-adj', '500', '/bin/cat', '/proc/self/oom_score_adj'], /^500\n$/),
    good(['--oom-score-adj', '1000', T]),
    HAS_SYS_RESOURCE
      ? good(['--oom-score-adj', '-500', '/bin/cat', '/proc/self/oom_score_adj'], /^-500\n$/)
      : bad(
          ['--oom-score-adj', '-500', T],
          /^gocontainer: --oom-score-adj: "-500": .*EACCES.*: lowering it needs CAP_SYS_RESOURCE, which gocontainer lacks here$/,
        ),
    bad(
      ['--oom-score-adj', '-1001', T],
      /^gocontainer: --oom-score-adj: "-1001" is not an integer in the range for oom score adj, \[-1000, 1000\]$/,
    ),
    bad(['--oom-score-adj', '1001', T], /^gocontainer: --oom-score-adj: "1001" is not an integer in the range/),
    bad(['--oom-score-adj', '1e3', T], /^gocontainer: --oom-score-adj: "1e3" is not an integer/),
    bad(['--oom-score-adj', '', T], /^gocontainer: --oom-score-adj: "" is not an integer/),
    bad(['--oom-score-adj', 'x', T], /^gocontainer: --oom-score-adj: "x" is not an integer/),

    // --ulimit
    good(['--ulimit', 'nofile=1024:2048', ...SH('ulimit -n; ulimit -Hn')], /^1024\n2048\n$/),
    good(['--ulimit', 'core=-1', T]),
    good(['--ulimit', 'nproc=512', T]),
    bad(['--ulimit', 'nofile', T], /^gocontainer: --ulimit: expected name=soft\[:hard\], got "nofile"$/),
    bad(['--ulimit', 'foo=1', T], /^gocontainer: --ulimit: "foo" is not a ulimit \(expected one of core, /),
    bad(['--ulimit', '=1', T], /^gocontainer: --ulimit: "" is not a ulimit/),
    bad(
      ['--ulimit', 'nofile=1:2:3', T],
      /^gocontainer: --ulimit: "nofile=1:2:3" has too many limit values: at most two, soft\[:hard\]$/,
    ),
    bad(
      ['--ulimit', 'nofile=2:1', T],
      /^gocontainer: --ulimit: the soft limit of nofile \(2\) is above its hard limit \(1\)$/,
    ),
    bad(['--ulimit', 'nofile=x', T], /^gocontainer: --ulimit nofile soft limit: "x" is not a number$/),
    bad(['--ulimit', 'nofile=', T], /^gocontainer: --ulimit nofile soft limit: "" is not a number$/),
    bad(['--ulimit', 'nofile=-2', T], /^gocontainer: --ulimit nofile soft limit: -2 is out of range$/),
    bad(
      ['--ulimit', 'nofile=99999999999999999999', T],
      /^gocontainer: --ulimit nofile soft limit: \d+ is out of range$/,
    ),
    bad(
      ['--ulimit', 'nproc=512', '--ulimit', 'nofile=99999999', T],
      /^gocontainer: --ulimit: "nofile=99999999": process\.rlimits\[1\]: the hard limit of RLIMIT_NOFILE \(99999999\) is above fs\.nr_open/,
    ),

    // --sysctl
    good(['--sysctl', 'net.ipv4.ip_forward=1', '/bin/cat', '/proc/sys/net/ipv4/ip_forward'], /^1\n$/),
    good(['--sysctl', 'kernel.shmmax=65536', '/bin/cat', '/proc/sys/kernel/shmmax'], /^65536\n$/),
    good(['--sysctl', 'net/ipv4/ip_forward=1', T]),
    bad(
      ['--sysctl', 'kernel.foo=1', T],
      /^gocontainer: --sysctl: "kernel.foo=1": not namespaced, so it would change the host/,
    ),
    bad(['--sysctl', 'vm.swappiness=10', T], /^gocontainer: --sysctl: "vm.swappiness=10": not namespaced/),
    bad(['--sysctl', '=1', T], /^gocontainer: --sysctl: "=1" is not KEY=VALUE$/),
    bad(['--sysctl', 'novalue', T], /^gocontainer: --sysctl: "novalue" is not KEY=VALUE$/),
    bad(['--sysctl', 'kernel.hostname=x', T], /^gocontainer: --sysctl: "kernel.hostname=x": set the hostname with/),
    bad(['--sysctl', 'net.a b=1', T], /^gocontainer: --sysctl: "net.a b=1": not a sysctl name/),
    bad(['--sysctl', 'net..x=1', T], /^gocontainer: --sysctl: "net..x=1": not a sysctl name/),
    bad(['--sysctl', 'net/../../x=1', T], /^gocontainer: --sysctl: "net\/..\/..\/x=1": not a sysctl name/),
    bad(
      ['--sysctl', 'kernel.shmmax=1\n2', T],
      /^gocontainer: --sysctl: "kernel.shmmax=1\\n2": the value contains a newline$/,
    ),
    bad(
      ['--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', T],
      /^gocontainer: --sysctl: "net.ipv4.ip_forward=1": net\.\* sysctls are not allowed with --network host/,
    ),
    bad(
      ['--sysctl', 'net.ipv4.no_such_thing=1', T],
      /^gocontainer: --sysctl: "net.ipv4.no_such_thing=1": open \/proc\/sys\/net\/ipv4\/no_such_thing .*ENOENT/,
    ),
    bad(
      ['--sysctl', 'net.ipv4.ip_forward=abc', T],
      /^gocontainer: --sysctl: "net.ipv4.ip_forward=abc": set sysctl net.ipv4.ip_forward to "abc" .*EINVAL/,
    ),

    // -h, --hostname
    good(['-h', 'a'.repeat(64), '/bin/hostname'], new RegExp(`^${'a'.repeat(64)}\n$`)),
    good(['--hostname', 'web-1.example', '/bin/hostname'], /^web-1\.example\n$/),
    bad(
      ['-h', '', T],
      /^gocontainer: --hostname: "" is not a valid hostname \(letters, digits, '-' and '.', at most 64\)$/,
    ),
    bad(['-h', 'bad_name!', T], /^gocontainer: --hostname: "bad_name!" is not a valid hostname/),
    bad(['-h', 'a'.repeat(65), T], /^gocontainer: --hostname: "a+" is not a valid hostname/),
    bad(['-h', '-a', T], /^gocontainer: --hostname: "-a" is not a valid hostname/),
    bad(['-h', 'a-', T], /^gocontainer: --hostname: "a-" is not a valid hostname/),
    bad(['-h', 'a b', T], /^gocontainer: --hostname: "a b" is not a valid hostname/),
    bad(['-h', 'a\nb', T], /^gocontainer: --hostname: "a\\nb" is not a valid hostname/),
    bad(['-h', 'ä', T], /^gocontainer: --hostname: "ä" is not a valid hostname/),

    // -e, --env
    good(['-e', 'A=', '-e', 'B=two\nlines', ...SH('echo "[$A]"; echo "$B"')], /^\[\]\ntwo\nlines\n$/),
    good(['-e', 'GC_CARELESS_UNSET', ...SH('[ -z "$GC_CARELESS_UNSET" ] && echo unset')], /^unset\n$/),
    good(['-e', '-x', T]),
    bad(['-e', '', T], /^gocontainer: --env: invalid environment variable "": the name is empty \(NAME=VALUE\)$/),
    bad(['-e', '=x', T], /^gocontainer: --env: invalid environment variable "=x": the name is empty/),
    bad(['-e', 'A B=c', T], /^gocontainer: --env: the name of "A B=c" contains whitespace$/),
    bad(['-e', ' A=1', T], /^gocontainer: --env: the name of " A=1" contains whitespace$/),
    bad(['-e', 'A\nB=c', T], /^gocontainer: --env: the name of "A\\nB=c" contains a newline$/),
    bad(['-e', 'A\tB=c', T], /^gocontainer: --env: the name of "A\\tB=c" contains a control character$/),

    // -w, --workdir
    good(['-w', '/tmp', '/bin/pwd'], /^\/tmp\n$/),
    good(['-w', '/', '/bin/pwd'], /^\/\n$/),
    good(['-w', '/tmp/../root', '/bin/pwd'], /^\/root\n$/),
    good(['-w', '/proc', '/bin/pwd'], /^\/proc\n$/),
    bad(['-w', 'rel', T], /^gocontainer: --workdir: the working directory "rel" must be an absolute path$/),
    bad(['-w', '', T], /^gocontainer: --workdir: the working directory is empty$/),
    bad(['-w', '/a\nb', T], /^gocontainer: --workdir: the working directory "\/a\\nb" contains a newline$/),
    bad(
      ['-w', `/${long}`, T],
      /^gocontainer: --workdir: the working directory "\/a+\.\.\.a+" \(257 characters\) has a name of 256 bytes \(at most 255\)$/,
    ),
    bad(['-w', `/a/b/${'c'.repeat(300)}`, T], /has a name of 300 bytes \(at most 255\)$/),
    bad(['-w', '/x'.repeat(2048), T], /^gocontainer: --workdir: .* is 4096 bytes long \(at most 4095\)$/),
    bad(['-w', `/${`${'d'.repeat(99)}/`.repeat(50)}`, T], / is 5001 bytes long \(at most 4095\)$/),
    bad(['-w', '/sys/x', T], /^gocontainer: --workdir: "\/sys\/x": create \/sys\/x in the root \(rootfs\): EROFS/),
    bad(['-w', '/proc/x', T], /^gocontainer: --workdir: "\/proc\/x": create \/proc\/x in the root \(rootfs\): ENOENT/),
    bad(['-w', '/etc/passwd/x', T], /^gocontainer: --workdir: "\/etc\/passwd\/x": create \/etc\/passwd\/x .*ENOTDIR/),
    bad(
      ['-w', '/bin/sh', T],
      /^gocontainer: --workdir: "\/bin\/sh": change to the working directory \/bin\/sh .*ENOTDIR/,
    ),

    // -v, --volume (the host side: a scratch directory)
    good(['-v', `${host.scratch}:/tmp:ro`, '/bin/cat', '/tmp/file'], /^scratch\n$/),
    bad(['-v', '/tmp', T], /^gocontainer: --volume: "\/tmp" is not HOST:CONTAINER\[:OPTIONS\]$/),
    bad(['-v', ':/x', T], /^gocontainer: --volume: ":\/x" is not HOST:CONTAINER\[:OPTIONS\]$/),
    bad(['-v', '/tmp:', T], /^gocontainer: --volume: "\/tmp:" is not HOST:CONTAINER\[:OPTIONS\]$/),
    bad(
      ['-v', '/tmp:/x:ro:extra', T],
      /^gocontainer: --volume: "\/tmp:\/x:ro:extra" is not HOST:CONTAINER\[:OPTIONS\]$/,
    ),
    bad(['-v', '/tmp:/x:rx', T], /^gocontainer: --volume: "\/tmp:\/x:rx": "rx" is not a volume option \(ro, rw, /),
    bad(['-v', '/no/such:/x', T], /^gocontainer: --volume: host path \/no\/such does not exist$/),
    bad(['-v', 'rel:/x', T], /^gocontainer: --volume: "rel:\/x": both paths must be absolute$/),
    bad(['-v', '/tmp:rel', T], /^gocontainer: --volume: "\/tmp:rel": both paths must be absolute$/),
    bad(['-v', '/tmp:/', T], /^gocontainer: --volume: "\/tmp:\/": the container path cannot be \//),
    bad(['-v', '/tmp:/x/..', T], /^gocontainer: --volume: "\/tmp:\/x\/..": the container path cannot be \//),
    bad(['-v', '/tmp:/a\nb', T], /^gocontainer: --volume: the container path "\/a\\nb" contains a newline$/),
    bad(['-v', '/a\nb:/x', T], /^gocontainer: --volume: the host path "\/a\\nb" contains a newline$/),
    bad(
      ['-v', `/tmp:/${long}`, T],
      /^gocontainer: --volume: the container path "\/a+\.\.\.a+" \(257 characters\) has a name of 256 bytes/,
    ),
    bad(
      ['-v', '/tmp:/sys/x', T],
      /^gocontainer: --volume: "\/tmp:\/sys\/x": create \/sys\/x in the root \(rootfs\): EROFS/,
    ),

    // -u, --user
    good(['-u', '0', '/bin/id', '-u'], /^0\n$/),
    good(['-u', '0:0', '/bin/id', '-g'], /^0\n$/),
    good(['-u', 'root:root', '/bin/id', '-u'], /^0\n$/),
    good(['-u', '1000:1000', '/bin/id', '-u'], /^1000\n$/),
    bad(['-u', ':', T], /^gocontainer: --user: ":" is not USER, UID, USER:GROUP or UID:GID$/),
    bad(['-u', '', T], /^gocontainer: --user: "" is not USER, UID, USER:GROUP or UID:GID$/),
    bad(['-u', 'root:', T], /^gocontainer: --user: "root:" is not USER/),
    bad(['-u', ':root', T], /^gocontainer: --user: ":root" is not USER/),
    bad(['-u', '0:0:0', T], /^gocontainer: --user: "0:0:0" is not USER/),
    bad(['-u', 'ro ot', T], /^gocontainer: --user: "ro ot" is not USER/),
    bad(['-u', 'a\nb', T], /^gocontainer: --user: "a\\nb" is not USER/),
    bad(['-u', 'nobody', T], /^gocontainer: --user: no user "nobody" in \/etc\/passwd of the container$/),
    bad(['-u', 'root:nogroup', T], /^gocontainer: --user: no group "nogroup" in \/etc\/group of the container$/),
    bad(['-u', '99999999999', T], /^gocontainer: --user: uid 99999999999 is out of range \(0 to 2147483647\)$/),
    bad(['-u', '-1', T], /^gocontainer: --user: uid -1 is out of range/),

    // --cap-add, --cap-drop, --privileged
    good(['--cap-add', 'NET_ADMIN', T]),
    good(['--cap-add', 'cap_chown', T]),
    good(['--cap-drop', 'ALL', T]),
    good(['--privileged', T]),
    bad(['--cap-add', 'FOO', T], /^gocontainer: --cap-add: unknown capability "CAP_FOO"$/),
    bad(['--cap-add', '', T], /^gocontainer: --cap-add: expected a capability name, got ""$/),
    bad(['--cap-drop', 'FOO', T], /^gocontainer: --cap-drop: unknown capability "CAP_FOO"$/),
    bad(['--cap-drop', '', T], /^gocontainer: --cap-drop: expected a capability name, got ""$/),

    // --security-opt
    good(['--security-opt', 'seccomp=unconfined', T]),
    good(['--security-opt', 'no-new-privileges', T]),
    good(['--security-opt', 'no-new-privileges=false', T]),
    bad(
      ['--security-opt', 'foo', T],
      /^gocontainer: --security-opt: "foo" is not supported \(seccomp=FILE\|unconfined/,
    ),
    bad(['--security-opt', 'apparmor=x', T], /^gocontainer: --security-opt: "apparmor=x" is not supported/),
    bad(
      ['--security-opt', 'seccomp', T],
      /^gocontainer: --security-opt seccomp: expected seccomp=FILE or seccomp=unconfined$/,
    ),
    bad(['--security-opt', 'seccomp=', T], /^gocontainer: --security-opt seccomp: expected seccomp=FILE/),
    bad(
      ['--security-opt', 'seccomp=/no/such', T],
      /^gocontainer: --security-opt seccomp=\/no\/such: cannot read it \(ENOENT/,
    ),
    bad(['--security-opt', `seccomp=${host.notJson}`, T], /^gocontainer: --security-opt seccomp=.*: not JSON \(/),
    bad(
      ['--security-opt', `seccomp=${host.badProfile}`, T],
      /^gocontainer: --security-opt: "seccomp=.*": linux\.seccomp\.defaultAction: "BOGUS" is not an action/,
    ),
    bad(
      ['--security-opt', 'no-new-privileges=maybe', T],
      /^gocontainer: --security-opt no-new-privileges: expected true or false, not "maybe"$/,
    ),

    // --read-only
    good(['--read-only', ...SH('touch /x 2>/dev/null || echo refused')], /^refused\n$/),
    good(['--read-only=true', ...SH('touch /x 2>/dev/null || echo refused')], /^refused\n$/),
    bad(['--read-only=yes', T], /^gocontainer: run: --read-only: "yes" is not a boolean/),

    // --network
    good(['--network', 'host', T]),
    good(['--network', 'none', T]),
    bad(['--network', 'bridge', T], /^gocontainer: --network: "bridge" is not supported \(expected none or host\)$/),
    bad(['--network', '', T], /^gocontainer: --network: "" is not supported/),
    bad(['--network', 'container:x', T], /^gocontainer: --network: "container:x" is not supported/),
    bad(['--network', 'a\nb', T], /^gocontainer: --network: "a\\nb" is not supported/),

    // --rootfs
    bad(['--rootfs', '/', T], /^gocontainer: --rootfs: "\/" is the host's root, which cannot be a container's root/),
    bad(['--rootfs', '/', '-w', MADE_ON_HOST, T], /^gocontainer: --rootfs: "\/" is the host's root/),
    bad(['--rootfs', '//', T], /^gocontainer: --rootfs: "\/\/" is the host's root/),
    bad(['--rootfs', '/tmp/..', T], /^gocontainer: --rootfs: "\/tmp\/.." is the host's root/),
    bad(['--rootfs', host.toSlash, T], /^gocontainer: --rootfs: ".*" is the host's root/),
    bad(['--rootfs', '/no/such', T], /^gocontainer: --rootfs: "\/no\/such" is not a directory$/),
    bad(['--rootfs', '/etc/passwd', T], /^gocontainer: --rootfs: "\/etc\/passwd" is not a directory$/),
    bad(['--rootfs', '', T], /^gocontainer: --rootfs: the directory is empty$/),
    bad(['--rootfs', '/a\nb', T], /^gocontainer: --rootfs: the directory "\/a\\nb" contains a newline$/),

    // --device, --device-cgroup-rule
    good(['--device', '/dev/null:/dev/mynull:rw', '/bin/sh', '-c', 'echo x > /dev/mynull']),
    good(['--device-cgroup-rule', 'c 10:229 rwm', T]),
    bad(
      ['--device', '/dev/nope', T],
      /^gocontainer: --device: "\/dev\/nope": cannot stat \/dev\/nope on the host \(ENOENT\)$/,
    ),
    bad(['--device', '/dev/null:rel', T], /^gocontainer: --device: "\/dev\/null:rel": rel is not an absolute path$/),
    bad(
      ['--device', '/dev/null:/dev/x:rwx', T],
      /^gocontainer: --device: "\/dev\/null:\/dev\/x:rwx": the permissions "rwx" must be some of r, w and m$/,
    ),
    bad(
      ['--device', '/etc/passwd', T],
      /^gocontainer: --device: "\/etc\/passwd": \/etc\/passwd is not a character or block device$/,
    ),
    bad(['--device', 'a:b:c:d', T], /^gocontainer: --device: "a:b:c:d": expected HOST\[:CONTAINER\[:PERMS\]\]/),
    bad(['--device-cgroup-rule', 'x', T], /^gocontainer: --device-cgroup-rule: "x": expected TYPE MAJOR:MINOR ACCESS/),
    bad(
      ['--device-cgroup-rule', 'c 1:2 rwx', T],
      /^gocontainer: --device-cgroup-rule: "c 1:2 rwx": expected TYPE MAJOR:MINOR ACCESS/,
    ),
    bad(
      ['--device-cgroup-rule', 'z *:* r', T],
      /^gocontainer: --device-cgroup-rule: "z \*:\* r": expected TYPE MAJOR:MINOR ACCESS/,
    ),
    bad(
      ['--device-cgroup-rule', 'c 1:99999999999 r', T],
      /^gocontainer: --device-cgroup-rule: "c 1:99999999999 r": the minor 99999999999 is above 1048575$/,
    ),

    // --cgroup-parent
    good(['--cgroup-parent', '/gc-careless-parent', T]),
    bad(['--cgroup-parent', '../x', T], /^gocontainer: --cgroup-parent: "..\/x" must not contain ".."/),
    bad(['--cgroup-parent', '/a/../../x', T], /^gocontainer: --cgroup-parent: "\/a\/..\/..\/x" must not contain ".."/),
    bad(['--cgroup-parent', 'a:b:c', T], /^gocontainer: --cgroup-parent: "a:b:c" looks like a systemd slice path/),
    bad(['--cgroup-parent', 'a\nb', T], /^gocontainer: --cgroup-parent: the cgroup path "a\\nb" contains a newline$/),
    bad(['--cgroup-parent', '', T], /^gocontainer: --cgroup-parent: the cgroup path is empty$/),
  ];
}

/** Every path under `dir`, with its type: what a run may not add to. */
function tree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch (e) {
    // Directories nested past PATH_MAX (what a long -w once left): say so rather than throw.
    return [`! ${prefix.slice(0, 100)}... (${(e as NodeJS.ErrnoException).code})`];
  }
  for (const e of entries) {
    const path = `${prefix}/${e.name}`;
    out.push(`${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'} ${path}`);
    if (e.isDirectory()) out.push(...tree(dir, path));
  }
  return out.sort();
}

/**
 * The cgroup hierarchies of this host (each v1 controller, the v2 part), once
 * each: `cpu` and `cpuacct` are links to `cpu,cpuacct`.
 */
function hierarchies(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const dirs = readdirSync(CGROUP_ROOT)
    .map((h) => join(CGROUP_ROOT, h))
    .filter((d) => existsSync(join(d, 'cgroup.procs')))
    .map((d) => realpathSync(d));
  return [...new Set(dirs)];
}

/**
 * Made before the table in every hierarchy, so that it is the parent of every
 * case's cgroup and holds no one else's (other users of this host run
 * containers under /gocontainer meanwhile). No run removes it: none made it.
 */
function makeParent(): void {
  for (const h of hierarchies()) {
    const dir = join(h, PARENT);
    mkdirSync(dir, { recursive: true });
    // A v1 cpuset cgroup takes no task until it has CPUs and memory nodes.
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (existsSync(join(h, file))) writeFileSync(join(dir, file), readFileSync(join(h, file)));
    }
  }
}

/** The cgroups the cases left: children of the parent, and the --cgroup-parent case's own. */
function containerCgroups(): string[] {
  const out: string[] = [];
  for (const h of hierarchies()) {
    const own = join(h, 'gc-careless-parent');
    if (existsSync(own)) out.push(own);
    const dir = join(h, PARENT);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(join(dir, e.name));
  }
  return out.sort();
}

const runDirs = () => (existsSync(RUN_ROOT) ? readdirSync(RUN_ROOT).sort() : []);

/** What other users of this host may be doing meanwhile: wait a little for their short runs to end. */
async function settled<T>(read: () => T[], before: T[]): Promise<T[]> {
  for (let i = 0; i < 20; i++) {
    const now = read();
    if (now.every((x) => before.includes(x))) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
  return read();
}

describe.skipIf(!canRunIntegration())('gocontainer run: careless arguments (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  let hostDir: string;
  const results = new Map<Case, Ran>();
  const table: Case[] = [];
  let before: { tree: string[]; mounts: string[]; runDirs: string[]; hostMade: boolean };

  beforeAll(async () => {
    root = createBusyboxRoot();
    // Other users (-u 1000) must reach /bin in it; mkdtemp made it 0700.
    chmodSync(root.path, 0o755);
    // As in an image: the files a run may bind its own onto exist, so a good run adds nothing to the root.
    for (const f of ['hosts', 'hostname', 'resolv.conf']) writeFileSync(join(root.path, 'etc', f), '');
    hostDir = mkdtempSync(join(tmpdir(), 'gc-careless-'));
    host.scratch = mkdtempSync(join(hostDir, 'scratch-'));
    writeFileSync(join(host.scratch, 'file'), 'scratch\n');
    host.toSlash = join(hostDir, 'to-slash');
    symlinkSync('/', host.toSlash);
    host.badProfile = join(hostDir, 'bad-profile.json');
    writeFileSync(host.badProfile, '{"defaultAction":"BOGUS"}');
    host.notJson = join(hostDir, 'not-json.json');
    writeFileSync(host.notJson, 'seccomp? no');
    table.push(...cases());
    makeParent();
    before = {
      tree: tree(root.path),
      mounts: hostMounts(),
      runDirs: runDirs(),
      hostMade: existsSync(MADE_ON_HOST),
    };

    // Most cases fail at validation, in ~0.1 s: run a few at a time.
    const queue = [...table];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const argv = [
          'run',
          '--cgroup-parent',
          `/${PARENT}`,
          ...(c.hostRoot ? [] : ['--rootfs', root.path]),
          ...c.args,
        ];
        // A case that hangs is that case's failure, not the whole table's.
        const r = await gocontainer(argv, { timeoutMs: 30_000 }).catch(
          (e: Error): Ran => ({ code: null, signal: null, stdout: '', stderr: e.message }),
        );
        results.set(c, r);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }, 240_000);

  afterAll(() => {
    // rm(1), not rmSync: it also removes directories nested past PATH_MAX.
    if (root) execFileSync('rm', ['-rf', root.path]);
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
    // What `--rootfs / -w /gc-careless-made` made on the host's root before the fix.
    if (!before?.hostMade) rmSync(MADE_ON_HOST, { recursive: true, force: true });
    for (const h of hierarchies()) if (existsSync(join(h, PARENT))) rmdirSync(join(h, PARENT));
  });

  it('has a case for each flag of run', async () => {
    const { RUN_OPTIONS } = await import('./run-options.js');
    const tried = new Set(table.flatMap((c) => c.args.filter((a) => a.startsWith('-'))));
    const untried = RUN_OPTIONS.filter(
      (o) => o.long !== 'help' && !tried.has(`--${o.long}`) && !(o.short && tried.has(`-${o.short}`)),
    ).map((o) => o.long);
    // -i and -t are covered by -it.
    expect(untried.filter((o) => o !== 'interactive' && o !== 'tty')).toEqual([]);
    expect(table.length).toBeGreaterThan(150);
  });

  it('gives each case its exit code and its one-line message, and no stack trace', () => {
    const wrong: string[] = [];
    for (const c of table) {
      const r = results.get(c) as Ran;
      const problems: string[] = [];
      if (r.code !== c.code) problems.push(`exit ${r.code} (${r.signal ?? 'no signal'}), expected ${c.code}`);
      const lines = r.stderr.split('\n').filter(Boolean);
      if (lines.length > 1) problems.push('more than one line');
      if (/^\s+at /m.test(r.stderr) || r.stderr.includes('internal error')) problems.push('a stack trace');
      const line = lines[0] ?? '';
      if (c.stderr === '' ? r.stderr !== '' : !c.stderr.test(line)) problems.push(`expected ${c.stderr || 'nothing'}`);
      if (c.stdout && !c.stdout.test(r.stdout))
        problems.push(`stdout ${JSON.stringify(r.stdout)}, expected ${c.stdout}`);
      if (problems.length > 0) {
        wrong.push(
          `run ${JSON.stringify(c.args).slice(0, 200)}: ${problems.join('; ')}; stderr: ${r.stderr.slice(0, 400)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('leaves nothing behind: no mount, cgroup, run directory, process, nor file in the root', async () => {
    expect(tree(root.path)).toEqual(before.tree);
    expect(existsSync(MADE_ON_HOST)).toBe(before.hostMade);
    expect(hostMounts()).toEqual(before.mounts);
    expect(containerCgroups()).toEqual([]);
    expect(await settled(runDirs, before.runDirs)).toEqual(before.runDirs);
    expect(processesMatching(root.path)).toEqual([]);
  });
});
