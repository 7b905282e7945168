import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { until } from './support/command.js';
import { type Containerd, startContainerd } from './support/containerd.js';
import { canRunE2e, e2e, engineDir, explainFailures, IMAGE, PAUSE_IMAGE, sweep } from './support/context.js';
import { type ContainerStatus, type CriClient, criClient, type PodSandboxConfig } from './support/cri-client.js';

const { runtime, images } = e2e();
const { dir, cgroup } = engineDir('cri');
const HANDLER = 'gocontainer';
let containerd: Containerd;
let cri: CriClient;

/** A pod as kubelet asks for one with `hostNetwork: true` (no CNI needed) and `shareProcessNamespace: true` (containers join the sandbox's namespaces by path). */
const pod = (name: string): PodSandboxConfig => ({
  metadata: { name, uid: `uid-${name}`, namespace: 'gc-e2e', attempt: 0 },

  log_directory: join(dir, 'pods', name),
  linux: {
    cgroup_parent: `/${cgroup}/${name}`,
    security_context: { namespace_options: { network: 'NODE', pid: 'POD', ipc: 'POD' } },
  },
});

/** What a container printed, from its CRI log (`TIME STREAM F|P TEXT` lines). */
function output(config: PodSandboxConfig, logPath: string): string {
  const file = join(config.log_directory!, logPath);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, , tag, ...text] = line.split(' ');
      return text.join(' ') + (tag === 'F' ? '\n' : '');
    })
    .join('');
}

const exited = (id: string) =>
  until(`container ${id} exited`, async () => {
    const status = await cri.containerStatus(id);
    return status.state === 'CONTAINER_EXITED' ? status : undefined;
  });

function show(what: string, status: ContainerStatus, printed: string): void {
  process.stdout.write(`${what}: ${status.state} exit_code=${status.exit_code} reason=${status.reason}\n${printed}`);
}

describe.skipIf(!canRunE2e)(
  `Kubernetes CRI through containerd (runtime_handler ${HANDLER}, BinaryName ${runtime})`,
  () => {
    explainFailures(dir);

    beforeAll(async () => {
      containerd = await startContainerd(dir, { handler: HANDLER, binary: runtime, sandboxImage: PAUSE_IMAGE });
      await containerd.importImage(join(images.dir, 'pause-oci.tar'), 'k8s.io');
      await containerd.importImage(join(images.dir, 'busybox-oci.tar'), 'k8s.io');
      cri = criClient(containerd.address);
    });

    afterAll(async () => {
      cri?.close();
      await containerd?.daemon.stop();
      sweep(dir, cgroup);
    });

    test('RunPodSandbox, CreateContainer, StartContainer; ContainerStatus shows the exit code; StopContainer within its timeout', async () => {
      const version = await cri.version();
      process.stdout.write(
        `CRI: ${version.runtime_name} ${version.runtime_version} (${version.runtime_api_version})\n`,
      );
      const config = pod('hello');
      const podId = await cri.runPodSandbox(config, HANDLER);
      try {
        const once = await cri.createContainer(
          podId,
          {
            metadata: { name: 'once' },
            image: { image: IMAGE },
            command: ['sh', '-c', 'echo hello from cri; exit 3'],
            log_path: 'once.log',
          },
          config,
        );
        await cri.startContainer(once);
        const status = await exited(once);
        show('once', status, output(config, 'once.log'));
        expect(output(config, 'once.log')).toBe('hello from cri\n');
        expect(status.exit_code).toBe(3);

        const script = 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done';
        const server = await cri.createContainer(
          podId,
          {
            metadata: { name: 'server' },
            image: { image: IMAGE },
            command: ['sh', '-c', script],
            log_path: 'server.log',
          },
          config,
        );
        await cri.startContainer(server);
        await until('the server printed ready', async () =>
          output(config, 'server.log') === 'ready\n' ? true : undefined,
        );
        const started = Date.now();
        await cri.stopContainer(server, 5);
        expect(Date.now() - started).toBeLessThan(5000);
        const stopped = await exited(server);
        show('server', stopped, output(config, 'server.log'));
        expect(stopped.exit_code).toBe(7);
        expect(output(config, 'server.log')).toBe('ready\ngot TERM\n');

        await cri.removeContainer(once);
        await cri.removeContainer(server);
        await expect(cri.containerStatus(once)).rejects.toThrow(/not found|does not exist/);
      } finally {
        await cri.stopPodSandbox(podId);
        await cri.removePodSandbox(podId);
      }
      // Room for each call's own deadline when the runtime hangs.
    }, 90_000);

    test('a pod without runtime_handler gets the default runtime, which is left unusable here: the handler chose the runtime', async () => {
      await expect(cri.runPodSandbox(pod('default'), '')).rejects.toThrow(/no-default-runtime/);
    });
  },
);
