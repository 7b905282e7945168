import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import {
  dockerDevices,
  dockerFilesystem,
  dockerNamespaces,
  dockerSecurity,
  dockerSysctls,
  dockerUlimits,
  dockerUser,
  dockerVolume,
  type EtcFilesOptions,
  type NetworkMode,
} from '@gc/engine';
import type { Spec } from '@gc/runtime';
import { UsageError } from '../../usage-error.js';
import { show } from './check-path.js';
import { buildEnv } from './env.js';
import { imageEnv, imageUser, imageWorkdir, pullPolicy, type RunImage } from './image-config.js';
import { checkCgroupParent, checkVolumePaths, rootfs, workdir } from './path-options.js';
import { buildResources, type ResourceFlags } from './resources.js';
import { checkUserSpec } from './user-spec.js';

/** The flags of `gocontainer run`, as the command line hands them over. */
export interface RunFlags extends ResourceFlags {
  rootfs?: string;
  init?: boolean;
  hostname?: string;
  env: string[];
  workdir?: string;
  rm?: boolean;
  network: string;
  readOnly?: boolean;
  volume: string[];
  interactive?: boolean;
  tty?: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  privileged?: boolean;
  device?: string[];
  deviceCgroupRule?: string[];
  user?: string;
  ulimit: string[];
  sysctl: string[];
  oomScoreAdj?: string;
  cgroupParent?: string;
  /** `--entrypoint CMD` (an image's; `''` clears it). */
  entrypoint?: string;
  /** `--pull missing|always|never`. */
  pull?: string;
}

export { UsageError };

export interface RunRequest {
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
 * Turn `run`'s flags and command into an OCI spec, with Docker's defaults.
 * Every flag is checked here, before anything is made: a bad value is a
 * UsageError naming the flag, the value and what is allowed. `terminal`: the
 * container gets a pty (`-t`, or by default on a terminal): `process.terminal`,
 * and the caller's TERM goes into the container. `image`: the container runs
 * on an image's layers; `command` and `args` are then the whole command line
 * (`imageArgs`), and the image's Env, WorkingDir and User apply unless a flag
 * gives them.
 */
export function buildRunRequest(
  command: string,
  args: string[],
  flags: RunFlags,
  id: string,
  terminal = false,
  image?: RunImage,
): RunRequest {
  if (image === undefined && !command.startsWith('/')) {
    throw new UsageError(
      `"${command}" is not an absolute command path: with --rootfs DIR the command is a path ` +
        `(gocontainer run --rootfs DIR /bin/sh); without --rootfs, a name is an image (gocontainer run busybox sh)`,
    );
  }
  if (flags.network !== 'none' && flags.network !== 'host') {
    throw new UsageError(`--network: ${show(flags.network)} is not supported (expected none or host)`);
  }
  pullPolicy(flags.pull);
  if (image === undefined && flags.entrypoint !== undefined) {
    throw new UsageError(
      `--entrypoint: only with an image (gocontainer run --entrypoint CMD IMAGE); here the command is ${show(command)}`,
    );
  }
  if (image !== undefined && flags.rootfs !== undefined) {
    throw new UsageError('--rootfs: cannot be given with an image (the image is the root filesystem)');
  }
  const rootDir = flags.rootfs === undefined ? undefined : rootfs(flags.rootfs);
  const hostname = flags.hostname ?? id.slice(0, 12);
  if (Buffer.byteLength(hostname) > 64 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(hostname)) {
    throw new UsageError(
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
  mounts.push(...flags.volume.map(parseVolume));

  // An image's root is planned from its layers (`imageLayers`); spec.root names the top-most.
  const rootPath = rootDir ?? image?.layers[0] ?? '/';
  const user = userSpec === undefined ? undefined : dockerUser(rootPath, userSpec, image?.readFile);
  const security = dockerSecurity(
    {
      capAdd: flags.capAdd,
      capDrop: flags.capDrop,
      privileged: flags.privileged ?? false,
      securityOpt: flags.securityOpt,
      readProfile: (path) => readFileSync(path, 'utf8'),
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
        env: buildEnv(flags.env, hostname, terminal, image ? imageEnv(image) : []),
        cwd,
        terminal,
        ...(user ? { user } : {}),
        capabilities: security.capabilities,
        noNewPrivileges: security.noNewPrivileges,
        ...(flags.ulimit.length ? { rlimits: dockerUlimits(flags.ulimit) } : {}),
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
        ...(flags.sysctl.length ? { sysctl: dockerSysctls(flags.sysctl, flags.network as NetworkMode) } : {}),
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
    throw new UsageError(
      `--oom-score-adj: ${show(value)} is not an integer in the range for oom score adj, [-1000, 1000]`,
    );
  }
  return n;
}

/** `-v HOST:CTR[:OPTIONS]`: Docker's volume (`ro` is recursive read-only), on a host path that exists. */
export function parseVolume(value: string): NonNullable<Spec['mounts']>[number] {
  const mount = dockerVolume(value);
  checkVolumePaths(mount.source as string, mount.destination);
  if (!existsSync(mount.source as string)) throw new UsageError(`--volume: host path ${mount.source} does not exist`);
  return mount;
}
