import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  DEFAULT_PATH,
  dockerFilesystem,
  dockerNamespaces,
  dockerSecurity,
  dockerUlimits,
  dockerUser,
  type NetworkMode,
  type Spec,
} from '@gc/runtime';
import { UsageError } from '../../usage-error.js';
import { buildResources, type ResourceFlags } from './resources.js';

/** The flags of `gocontainer run`, as commander hands them over. */
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
  user?: string;
  ulimit: string[];
  sysctl: string[];
  oomScoreAdj?: string;
  cgroupParent?: string;
}

export { UsageError };

export interface RunRequest {
  spec: Spec;
  /** `--cgroup-parent`. */
  cgroupParent: string | undefined;
  /** Run on a throwaway overlay of the host's root rather than `spec.root`. */
  hostRootOverlay: boolean;
  init: boolean;
}

/**
 * Turn `run`'s flags and command into an OCI spec, with Docker's defaults.
 * `terminal`: the container gets a pty (`-t`, or by default on a terminal):
 * `process.terminal`, and the caller's TERM goes into the container.
 */
export function buildRunRequest(
  command: string,
  args: string[],
  flags: RunFlags,
  id: string,
  terminal = false,
): RunRequest {
  if (!command.startsWith('/')) {
    throw new UsageError(
      `"${command}" is not an absolute command path, and images are not supported yet: ` +
        `give the command as a path (gocontainer run /bin/sh), on the host's root or with --rootfs DIR`,
    );
  }
  if (flags.network !== 'none' && flags.network !== 'host') {
    throw new UsageError(`--network: "${flags.network}" is not supported (expected none or host)`);
  }
  if (flags.rootfs !== undefined) {
    if (!existsSync(flags.rootfs) || !statSync(flags.rootfs).isDirectory()) {
      throw new UsageError(`--rootfs: ${flags.rootfs} is not a directory`);
    }
  }
  const hostname = flags.hostname ?? id.slice(0, 12);
  if (Buffer.byteLength(hostname) > 64 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(hostname)) {
    throw new UsageError(
      `--hostname: "${hostname}" is not a valid hostname (letters, digits, '-' and '.', at most 64)`,
    );
  }
  if (flags.workdir !== undefined && !isAbsolute(flags.workdir)) {
    throw new UsageError(`--workdir: "${flags.workdir}" must be an absolute path`);
  }

  const fs = dockerFilesystem();
  const mounts = [...fs.mounts];
  const hostRootOverlay = flags.rootfs === undefined;
  // On the host's root, /tmp would show the host's files: give it a fresh one.
  if (hostRootOverlay) {
    mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] });
  }
  mounts.push(...flags.volume.map(parseVolume));

  const rootPath = flags.rootfs ?? '/';
  const user = flags.user === undefined ? undefined : dockerUser(rootPath, flags.user);
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
  const resources = buildResources(flags);
  return {
    cgroupParent: flags.cgroupParent,
    spec: {
      ociVersion: '1.2.0',
      process: {
        args: [command, ...args],
        env: buildEnv(flags.env, hostname, terminal),
        cwd: flags.workdir ?? '/',
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
        ...(flags.sysctl.length ? { sysctl: parseSysctls(flags.sysctl) } : {}),
        ...(resources ? { resources } : {}),
      },
    },
    hostRootOverlay,
    init: flags.init ?? false,
  };
}

function parseOomScoreAdj(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < -1000 || n > 1000) {
    throw new UsageError(`--oom-score-adj: "${value}" is not an integer from -1000 to 1000`);
  }
  return n;
}

function parseSysctls(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--sysctl: "${v}" is not KEY=VALUE`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** `-v HOST:CTR[:ro|rw]`: a private recursive bind mount. */
export function parseVolume(value: string): { destination: string; type: string; source: string; options: string[] } {
  const parts = value.split(':');
  const [source, destination, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !source || !destination) {
    throw new UsageError(`--volume: "${value}" is not HOST:CONTAINER[:ro]`);
  }
  if (!isAbsolute(source) || !isAbsolute(destination)) {
    throw new UsageError(`--volume: "${value}": both paths must be absolute`);
  }
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    throw new UsageError(`--volume: "${value}": the mode must be ro or rw, not "${mode}"`);
  }
  if (!existsSync(source)) throw new UsageError(`--volume: host path ${source} does not exist`);
  return { destination, type: 'bind', source, options: ['rbind', 'rprivate', mode ?? 'rw'] };
}

function buildEnv(flagsEnv: string[], hostname: string, terminal: boolean): string[] {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['HOSTNAME', hostname],
    ['HOME', '/root'],
  ]);
  if (terminal && process.env.TERM) env.set('TERM', process.env.TERM);
  for (const entry of flagsEnv) {
    const eq = entry.indexOf('=');
    if (eq === 0) throw new UsageError(`--env: "${entry}" has no name`);
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    else {
      // `-e NAME` passes the caller's value through, as Docker does; unset stays unset.
      const value = process.env[entry];
      if (value !== undefined) env.set(entry, value);
    }
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}
