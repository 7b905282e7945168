import type { Process, Spec } from '@gc/runtime';
import { GcError } from '@gc/syscall';
import { DEFAULT_PATH } from '../spec/docker-defaults.js';
import { dockerUser } from '../spec/docker-security.js';
import type { ContainerRecord } from '../store/container-record.js';

/** What `docker exec` is asked for, after its flags were parsed. */
export interface DockerExecRequest {
  /** The command and its arguments. */
  readonly args: readonly string[];
  /** `-e NAME=VALUE` (or `NAME`, taken from `callerEnv`), in order. */
  readonly env?: readonly string[];
  /** `-u user[:group]`: names from the container's /etc/passwd and /etc/group. */
  readonly user?: string;
  /** `-w DIR`: an absolute path in the container. */
  readonly workdir?: string;
  /** `-t`: a pty of the container's own. */
  readonly tty?: boolean;
  /** Where `-e NAME` takes its value (the CLI's environment). */
  readonly callerEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * The OCI process of `docker exec` into a running engine container: the
 * container's security (capabilities, rlimits, no_new_privs, its
 * seccomp profile comes from the spec at plan time), its environment as
 * Docker builds an exec's (PATH and HOSTNAME, the container's Env, TERM=xterm
 * with -t, then -e), its user unless -u (resolved in the container's root
 * `rootPath`, as `run -u`), its working directory unless -w.
 */
export function dockerExecProcess(
  record: ContainerRecord,
  spec: Spec,
  rootPath: string,
  request: DockerExecRequest,
): Process {
  const [command] = request.args;
  if (command === undefined || command === '') {
    throw new GcError('EUSAGE', 'exec: missing COMMAND (gocontainer exec [OPTIONS] CONTAINER COMMAND [ARG...])');
  }
  const base = spec.process;
  let user = base?.user ?? { uid: 0, gid: 0 };
  if (request.user !== undefined) {
    if (request.user === '' || /\s/.test(request.user)) {
      throw new GcError('EUSAGE', `--user: ${JSON.stringify(request.user)} is not USER, UID, USER:GROUP or UID:GID`);
    }
    user = dockerUser(rootPath, request.user);
  }
  const cwd = request.workdir ?? (record.config.workingDir || base?.cwd || '/');
  if (!cwd.startsWith('/')) {
    throw new GcError('EUSAGE', `--workdir: expected an absolute path in the container, got ${JSON.stringify(cwd)}`);
  }
  const env = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${spec.hostname || record.config.hostname}`];
  const containerEnv = record.config.env.length > 0 ? record.config.env : (base?.env ?? []);
  env.push(...containerEnv.filter((e) => !e.startsWith('TERM=')));
  if (request.tty) env.push('TERM=xterm');
  for (const entry of request.env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    if (name === '' || /\s/.test(name)) {
      throw new GcError('EUSAGE', `--env: invalid environment variable ${JSON.stringify(entry)} (NAME=VALUE)`);
    }
    if (eq !== -1) env.push(entry);
    else {
      // `-e NAME` passes the caller's value on, as Docker does; unset stays unset.
      const value = request.callerEnv?.[name];
      if (value !== undefined) env.push(`${name}=${value}`);
    }
  }
  return {
    ...(base?.capabilities ? { capabilities: base.capabilities } : {}),
    ...(base?.rlimits ? { rlimits: base.rlimits } : {}),
    ...(base?.noNewPrivileges ? { noNewPrivileges: true } : {}),
    ...(base?.oomScoreAdj !== undefined ? { oomScoreAdj: base.oomScoreAdj } : {}),
    args: [...request.args],
    env,
    cwd,
    user,
    terminal: request.tty ?? false,
  };
}
