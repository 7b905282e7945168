import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Spec } from '@gc/runtime';
import { show } from './check-path.js';
import { dockerFilesystem, dockerNamespaces, type NetworkMode } from './docker-defaults.js';
import { dockerDevices } from './docker-devices.js';
import type { EtcFilesOptions } from './docker-etc-files.js';
import { dockerSecurity, dockerUlimits, dockerUser } from './docker-security.js';
import { dockerSysctls } from './docker-sysctls.js';
import { dockerVolume } from './docker-volume.js';
import { buildEnv } from './env.js';
import { imageArgs, imageEnv, imageUser, imageWorkdir, pullPolicy, type RunImage } from './image-config.js';
import { checkCgroupParent, checkVolumePaths, rootfs, workdir } from './path-options.js';
import { buildResources, type ResourceFlags } from './resources.js';
import { usageError } from './usage-error.js';
import { checkUserSpec } from './user-spec.js';

/**
 * The flags of `docker run` that make a container's spec, each named as its
 * flag (`--cap-add` is `capAdd`) and holding the value as given, so that an
 * error can quote it. A flag not given is undefined; a repeatable one may be
 * left out for none.
 */
export interface DockerRunFlags extends ResourceFlags {
  /** gocontainer's own: the root directory (else an image, else a throwaway overlay of the host's root). */
  rootfs?: string;
  init?: boolean;
  hostname?: string;
  env?: string[];
  workdir?: string;
  /** `none` (the default: a network namespace of its own with loopback up) or `host`. */
  network?: string;
  readOnly?: boolean;
  volume?: string[];
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  privileged?: boolean;
  device?: string[];
  deviceCgroupRule?: string[];
  user?: string;
  ulimit?: string[];
  sysctl?: string[];
  oomScoreAdj?: string;
  cgroupParent?: string;
  /** `--entrypoint CMD` (an image's; `''` clears it). */
  entrypoint?: string;
  /** `--pull missing|always|never`: only checked here (pulling is the caller's). */
  pull?: string;
}

/** What `buildRunSpec` turns into a container: the flags, the command, and the image if there is one. */
export interface RunSpecInput extends DockerRunFlags {
  /** The container's ID: its hostname is the first 12 characters unless `hostname` says otherwise. */
  id: string;
  /**
   * The command line after the options: `/COMMAND ARG...` without an image
   * (the command an absolute path); with one, the COMMAND after the image,
   * maybe empty (the image's Entrypoint and Cmd then apply, as `docker run`'s).
   */
  command: readonly string[];
  /** The image the container runs on (its config, its unpacked layers); none for `rootfs` or the host's root. */
  image?: RunImage;
  /** The container gets a pty (`-t`, or by default on a terminal): `process.terminal`, and `callerEnv`'s TERM. */
  terminal?: boolean;
  /** The caller's environment, for `-e NAME` (which passes its value through) and TERM. Default: none. */
  callerEnv?: Readonly<Record<string, string | undefined>>;
}

/** A container as `docker run` would make it: its OCI spec, and what starting it needs besides. */
export interface RunSpec {
  spec: Spec;
  /** `--cgroup-parent`. */
  cgroupParent: string | undefined;
  /** Run on a throwaway overlay of the host's root rather than `spec.root`. */
  hostRootOverlay: boolean;
  /** Run on a throwaway overlay of an image's layers (top-most first) rather than `spec.root`. */
  imageLayers: string[] | undefined;
  init: boolean;
  /** What the container's /etc/hosts, /etc/hostname and /etc/resolv.conf are made from (`writeDockerEtcFiles`). */
  etcFiles: EtcFilesOptions;
}

/**
 * Turn `docker run`'s flags, command and image into an OCI spec, with
 * Docker's defaults. Every flag is checked here, before anything is made: a
 * bad value is a GcError (`EUSAGE`) naming the flag, the value and what is
 * allowed. With an image, the command line is its Entrypoint and Cmd as
 * `--entrypoint` and `command` change them, and the image's Env, WorkingDir
 * and User apply unless a flag gives them. Reads the host for what the flags
 * name (the `--rootfs` directory, `-v` and `--device` paths, a seccomp
 * profile file, the CPUs for `--cpus`, this process's capability bounding set).
 */
export function buildRunSpec(input: RunSpecInput): RunSpec {
  const { id, image } = input;
  const [command = '', ...args] =
    image === undefined ? input.command : imageArgs(image, input.command, input.entrypoint);
  const flags = { ...input, network: input.network ?? 'none' };
  const terminal = input.terminal ?? false;
  if (image === undefined && !command.startsWith('/')) {
    throw usageError(
      `"${command}" is not an absolute command path: with --rootfs DIR the command is a path ` +
        `(gocontainer run --rootfs DIR /bin/sh); without --rootfs, a name is an image (gocontainer run busybox sh)`,
    );
  }
  if (flags.network !== 'none' && flags.network !== 'host') {
    throw usageError(`--network: ${show(flags.network)} is not supported (expected none or host)`);
  }
  pullPolicy(flags.pull);
  if (image === undefined && flags.entrypoint !== undefined) {
    throw usageError(
      `--entrypoint: only with an image (gocontainer run --entrypoint CMD IMAGE); here the command is ${show(command)}`,
    );
  }
  if (image !== undefined && flags.rootfs !== undefined) {
    throw usageError('--rootfs: cannot be given with an image (the image is the root filesystem)');
  }
  const rootDir = flags.rootfs === undefined ? undefined : rootfs(flags.rootfs);
  const hostname = flags.hostname ?? id.slice(0, 12);
  if (Buffer.byteLength(hostname) > 64 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(hostname)) {
    throw usageError(
      `--hostname: ${show(hostname)} is not a valid hostname (letters, digits, '-' and '.', at most 64)`,
    );
  }
  const cwd = flags.workdir === undefined ? ((image && imageWorkdir(image)) ?? '/') : workdir(flags.workdir);
  if (flags.user !== undefined) checkUserSpec(flags.user);
  const userSpec = flags.user ?? (image && imageUser(image));
  if (flags.cgroupParent !== undefined) checkCgroupParent(flags.cgroupParent);

  const fs = dockerFilesystem();
  const mounts = [...fs.mounts];
  const hostRootOverlay = flags.rootfs === undefined && image === undefined;
  // On the host's root, /tmp would show the host's files: give it a fresh one.
  if (hostRootOverlay) {
    mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] });
  }
  mounts.push(...(flags.volume ?? []).map(parseVolume));

  // An image's root is planned from its layers (`imageLayers`); spec.root names the top-most.
  const rootPath = rootDir ?? image?.layers[0] ?? '/';
  const user = userSpec === undefined ? undefined : dockerUser(rootPath, userSpec, image?.readFile);
  const security = dockerSecurity(
    {
      capAdd: flags.capAdd,
      capDrop: flags.capDrop,
      privileged: flags.privileged ?? false,
      securityOpt: flags.securityOpt,
      readProfile: (path: string) => readFileSync(path, 'utf8'),
    },
    user?.uid ?? 0,
  );
  const namespaces = dockerNamespaces(flags.network as NetworkMode);
  const devices = dockerDevices({
    privileged: flags.privileged ?? false,
    devices: flags.device ?? [],
    cgroupRules: flags.deviceCgroupRule ?? [],
    stat: (path) => statSync(path),
    hostDev: { readdir: (path) => readdirSync(path), lstat: (path) => lstatSync(path) },
  });
  const resources = { ...buildResources(flags), devices: devices.rules };
  return {
    cgroupParent: flags.cgroupParent,
    spec: {
      ociVersion: '1.2.0',
      process: {
        args: [command, ...args],
        env: buildEnv(flags.env ?? [], hostname, terminal, image ? imageEnv(image) : [], input.callerEnv),
        cwd,
        terminal,
        ...(user ? { user } : {}),
        capabilities: security.capabilities,
        noNewPrivileges: security.noNewPrivileges,
        ...(flags.ulimit?.length ? { rlimits: dockerUlimits(flags.ulimit) } : {}),
        ...(flags.oomScoreAdj !== undefined ? { oomScoreAdj: parseOomScoreAdj(flags.oomScoreAdj) } : {}),
      },
      root: { path: rootPath, readonly: flags.readOnly ?? false },
      hostname,
      mounts,
      linux: {
        namespaces,
        maskedPaths: security.maskPaths ? fs.maskedPaths : [],
        readonlyPaths: security.maskPaths ? fs.readonlyPaths : [],
        ...(security.seccomp ? { seccomp: security.seccomp } : {}),
        ...(flags.sysctl?.length ? { sysctl: dockerSysctls(flags.sysctl, flags.network as NetworkMode) } : {}),
        ...(devices.devices.length ? { devices: devices.devices } : {}),
        resources,
      },
    },
    hostRootOverlay,
    imageLayers: image?.layers,
    init: flags.init ?? false,
    etcFiles: {
      hostname,
      network: flags.network as NetworkMode,
      readonly: flags.readOnly ?? false,
      mountedByUser: mounts.map((m) => m.destination),
    },
  };
}

function parseOomScoreAdj(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < -1000 || n > 1000) {
    throw usageError(`--oom-score-adj: ${show(value)} is not an integer in the range for oom score adj, [-1000, 1000]`);
  }
  return n;
}

/** `-v HOST:CTR[:OPTIONS]`: Docker's volume (`ro` is recursive read-only), on a host path that exists. */
export function parseVolume(value: string): NonNullable<Spec['mounts']>[number] {
  const mount = dockerVolume(value);
  checkVolumePaths(mount.source as string, mount.destination);
  if (!existsSync(mount.source as string)) throw usageError(`--volume: host path ${mount.source} does not exist`);
  return mount;
}
