import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { offlineEnv, type Result, type RunOptions, run } from './command.js';

export interface Podman {
  readonly argv: readonly string[];
  podman(args: readonly string[], opts?: RunOptions): Promise<Result>;
}

const toml = (s: string) => JSON.stringify(s);

/**
 * podman (no daemon) with every path of its own under `dir` and `runtime` as
 * its OCI runtime. The runtime's state is in its default root: podman calls
 * `start`, `kill` and `delete` without the global flags it gives conmon.
 */
export function podmanIn(dir: string, runtime: string): Podman {
  mkdirSync(join(dir, 'tmp'));
  const conf = join(dir, 'containers.conf');
  writeFileSync(
    conf,
    [
      '[containers]',
      'netns = "none"',
      // No CAP_SYS_RESOURCE on these machines: podman's default (1048576) cannot be set.
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      '[network]',
      `network_config_dir = ${toml(join(dir, 'net'))}`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = ${toml(join(dir, 'events.log'))}`,
      `tmp_dir = ${toml(join(dir, 'tmp'))}`,
      `image_copy_tmp_dir = ${toml(join(dir, 'tmp'))}`,
      `volume_path = ${toml(join(dir, 'root/volumes'))}`,
      // podman passes --log-format=json only to runtimes it lists here, by file name.
      `runtime_supports_json = [${toml(basename(runtime))}]`,
      '',
    ].join('\n'),
  );
  const storage = join(dir, 'storage.conf');
  writeFileSync(
    storage,
    `[storage]\ndriver = "overlay"\nrunroot = ${toml(join(dir, 'runroot'))}\ngraphroot = ${toml(join(dir, 'root'))}\n`,
  );
  const registries = join(dir, 'registries.conf');
  writeFileSync(registries, 'unqualified-search-registries = []\n');
  const env = offlineEnv({
    CONTAINERS_CONF: conf,
    CONTAINERS_STORAGE_CONF: storage,
    CONTAINERS_REGISTRIES_CONF: registries,
    TMPDIR: join(dir, 'tmp'),
  });
  const argv = [
    'podman',
    '--root',
    join(dir, 'root'),
    '--runroot',
    join(dir, 'runroot'),
    '--tmpdir',
    join(dir, 'tmp'),
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'file',
    '--runtime',
    runtime,
  ];
  return { argv, podman: (args, opts = {}) => run([...argv, ...args], { env, ...opts }) };
}
