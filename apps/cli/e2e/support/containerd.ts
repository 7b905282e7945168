import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineEnv, ok, type Result, type RunOptions, run } from './command.js';
import { type Daemon, startDaemon } from './daemon.js';

/** containerd's CRI plugin with one runtime handler, as a cluster registers it for a RuntimeClass. */
export interface CriOptions {
  /** The handler name (`RunPodSandboxRequest.runtime_handler`). */
  handler: string;
  /** Its `BinaryName`: the OCI runtime the runc v2 shim calls. */
  binary: string;
  sandboxImage: string;
}

export interface Containerd {
  /** Its gRPC socket (ctr, dockerd and the CRI client use it). */
  readonly address: string;
  readonly dir: string;
  readonly daemon: Daemon;
  /** `ctr --address ... ARGS` in namespace `ns` (default `default`). */
  ctr(args: readonly string[], opts?: RunOptions & { ns?: string }): Promise<Result>;
  /** Import an image tarball (docker-archive or oci-archive) into `ns`. */
  importImage(tarball: string, ns?: string): Promise<void>;
}

const toml = (s: string) => JSON.stringify(s);

/** The config: every path under `dir`; CRI off unless asked for. */
function config(dir: string, address: string, cri?: CriOptions): string {
  const lines = [
    'version = 2',
    `root = ${toml(join(dir, 'root'))}`,
    `state = ${toml(join(dir, 'state'))}`,
    cri ? '' : 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${toml(address)}`,
    '[ttrpc]',
    `  address = ${toml(`${address}.ttrpc`)}`,
    '[debug]',
    `  address = ${toml(join(dir, 'debug.sock'))}`,
    '  level = "info"',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${toml(join(dir, 'opt'))}`,
  ];
  if (cri) {
    const p = 'plugins."io.containerd.grpc.v1.cri"';
    const runtimes = `${p}.containerd.runtimes`;
    lines.push(
      `[${p}]`,
      `  sandbox_image = ${toml(cri.sandboxImage)}`,
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      '  disable_apparmor = true',
      // No CAP_SYS_RESOURCE on these machines: the sandbox's oom_score_adj -998 cannot be set; keep containerd's.
      '  restrict_oom_score_adj = true',
      `[${p}.cni]`,
      `  bin_dir = ${toml(join(dir, 'cni/bin'))}`,
      `  conf_dir = ${toml(join(dir, 'cni/conf'))}`,
      `[${p}.registry]`,
      `  config_path = ${toml(join(dir, 'certs.d'))}`,
      `[${p}.containerd]`,
      '  default_runtime_name = "runc"',
      // A pod that does not select the handler fails: the test proves runtime_handler chose it.
      `[${runtimes}.runc]`,
      '  runtime_type = "io.containerd.runc.v2"',
      `[${runtimes}.runc.options]`,
      `  BinaryName = ${toml(join(dir, 'no-default-runtime'))}`,
      `[${runtimes}.${cri.handler}]`,
      '  runtime_type = "io.containerd.runc.v2"',
      `[${runtimes}.${cri.handler}.options]`,
      `  BinaryName = ${toml(cri.binary)}`,
      `  Root = ${toml(join(dir, `${cri.handler}-root`))}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Start containerd with its state in `dir`. */
export async function startContainerd(dir: string, cri?: CriOptions): Promise<Containerd> {
  const address = join(dir, 'containerd.sock');
  const configPath = join(dir, 'config.toml');
  writeFileSync(configPath, config(dir, address, cri));
  const ctr = (args: readonly string[], opts: RunOptions & { ns?: string } = {}) =>
    run(['ctr', '--address', address, '--namespace', opts.ns ?? 'default', ...args], opts);
  const daemon = await startDaemon({
    name: 'containerd',
    argv: ['containerd', '--config', configPath],
    log: join(dir, 'containerd.log'),
    env: offlineEnv(),
    ready: async () => (await ctr(['version'], { quiet: true, timeoutMs: 5000 })).code === 0,
  });
  return {
    address,
    dir,
    daemon,
    ctr,
    importImage: async (tarball, ns = 'default') => {
      await ok(['ctr', '--address', address, '--namespace', ns, 'images', 'import', tarball]);
    },
  };
}
