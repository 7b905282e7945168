import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineEnv, type Result, type RunOptions, run } from './command.js';
import { type Daemon, startDaemon } from './daemon.js';

/** The docker.io client, the daemon's own version (not another docker on the PATH). */
export const DOCKER = '/usr/bin/docker';

export interface Dockerd {
  readonly daemon: Daemon;
  /** `docker -H ... ARGS...` as a shell would run it (argv). */
  readonly client: readonly string[];
  docker(args: readonly string[], opts?: RunOptions): Promise<Result>;
}

export interface DockerdOptions {
  /** The containerd it runs containers through. */
  containerd: string;
  /** Added as a runtime under this name. */
  runtimes: Record<string, string>;
  /** Containers' cgroup parent. */
  cgroupParent: string;
}

/** Start dockerd with its state in `dir`: no network setup, no registry, no key or config outside `dir`. */
export async function startDockerd(dir: string, opts: DockerdOptions): Promise<Dockerd> {
  const socket = join(dir, 'docker.sock');
  const configPath = join(dir, 'daemon.json');
  const config = {
    'data-root': join(dir, 'data'),
    'exec-root': join(dir, 'exec'),
    pidfile: join(dir, 'docker.pid'),
    hosts: [`unix://${socket}`],
    containerd: opts.containerd,
    'deprecated-key-path': join(dir, 'key.json'),
    'storage-driver': 'overlay2',
    iptables: false,
    'ip-forward': false,
    'ip-masq': false,
    bridge: 'none',
    'cgroup-parent': opts.cgroupParent,
    runtimes: Object.fromEntries(Object.entries(opts.runtimes).map(([name, path]) => [name, { path }])),
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const client = [DOCKER, '-H', `unix://${socket}`];
  // The client reads no ~/.docker of the user's.
  const env = offlineEnv({ DOCKER_CONFIG: join(dir, 'client') });
  const docker = (args: readonly string[], o: RunOptions = {}) => run([...client, ...args], { env, ...o });
  const daemon = await startDaemon({
    name: 'dockerd',
    argv: ['dockerd', '--config-file', configPath],
    log: join(dir, 'dockerd.log'),
    env: offlineEnv(),
    ready: async () => (await docker(['version'], { quiet: true, timeoutMs: 5000 })).code === 0,
  });
  return { daemon, client, docker };
}
