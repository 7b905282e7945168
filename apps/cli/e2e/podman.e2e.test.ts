import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { until } from './support/command.js';
import { canRunE2e, e2e, engineDir, explainFailures, IMAGE, sweep } from './support/context.js';
import { type Podman, podmanIn } from './support/podman.js';

const { runtime, images } = e2e();
const { dir, cgroup } = engineDir('podman');
let podman: Podman;

const check = async (args: readonly string[]) => {
  const r = await podman.podman(args);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

const RUN = ['run', '--pull', 'never', '--network', 'none', '--cgroup-parent', `/${cgroup}`];

describe.skipIf(!canRunE2e)(`podman --runtime ${runtime}`, () => {
  explainFailures(dir);

  beforeAll(async () => {
    podman = podmanIn(dir, runtime);
    await check(['load', '-q', '-i', join(images.dir, 'busybox-oci.tar')]);
  });

  afterAll(async () => {
    await podman?.podman(['rm', '-af', '-t', '0'], { quiet: true });
    sweep(dir, cgroup);
  });

  test('podman run prints the output and exits with the container exit code', async () => {
    const r = await podman.podman([...RUN, '--rm', IMAGE, 'sh', '-c', 'echo hello from podman; exit 3']);
    expect(r.stdout).toBe('hello from podman\n');
    expect(r.code).toBe(3);
  });

  test('podman exec; podman stop delivers SIGTERM and returns before its timeout', async () => {
    const script = 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done';
    onTestFinished(async () => {
      await podman.podman(['rm', '-f', '-t', '0', 'life'], { quiet: true });
    });
    await check([...RUN, '-d', '--name', 'life', IMAGE, 'sh', '-c', script]);
    await until('the container printed ready', async () =>
      (await podman.podman(['logs', 'life'], { quiet: true })).stdout === 'ready\n' ? true : undefined,
    );
    const exec = await podman.podman(['exec', 'life', 'sh', '-c', 'echo in exec; exit 4']);
    expect(exec.stdout).toBe('in exec\n');
    expect(exec.code).toBe(4);

    const stop = await check(['stop', '-t', '5', 'life']);
    expect(stop.ms).toBeLessThan(5000);
    const inspect = await check(['inspect', '-f', '{{.State.ExitCode}}', 'life']);
    expect(inspect.stdout.trim()).toBe('7');
    expect((await check(['logs', 'life'])).stdout).toBe('ready\ngot TERM\n');
    await check(['rm', 'life']);
  });

  test('no container is left', async () => {
    expect((await check(['ps', '-aq'])).stdout).toBe('');
  });
});
