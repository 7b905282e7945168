import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { openTmux } from '../src/test-support/tmux.js';
import { ok, shown, until } from './support/command.js';
import { type Containerd, startContainerd } from './support/containerd.js';
import { canRunE2e, e2e, engineDir, explainFailures, IMAGE, sweep } from './support/context.js';
import { type Dockerd, startDockerd } from './support/dockerd.js';

const { runtime, images } = e2e();
const { dir, cgroup } = engineDir('docker');
let containerd: Containerd | undefined;
let dockerd: Dockerd;

const RUN = ['run', '--runtime', 'gocontainer', '--network', 'none', '--pull', 'never'];

/** A failed test leaves no container for the next (the runtime's own leftovers are what 'no container is left' checks). */
const removeAfter = (name: string) =>
  onTestFinished(async () => {
    await dockerd.docker(['rm', '-f', name], { quiet: true });
  });

const exitCode = async (name: string) =>
  Number((await ok([...dockerd.client, 'inspect', '-f', '{{.State.ExitCode}}', name], { quiet: true })).stdout);

describe.skipIf(!canRunE2e)(`dockerd (--runtime gocontainer = ${runtime})`, () => {
  explainFailures(dir);

  beforeAll(async () => {
    containerd = await startContainerd(join(dir));
    dockerd = await startDockerd(dir, {
      containerd: containerd.address,
      runtimes: { gocontainer: runtime },
      cgroupParent: `/${cgroup}`,
    });
    await ok([...dockerd.client, 'load', '-q', '-i', join(images.dir, 'busybox-docker.tar')]);
  });

  afterAll(async () => {
    await dockerd?.daemon.stop();
    await containerd?.daemon.stop();
    sweep(dir, cgroup);
  });

  test('docker run prints the output and exits with the container exit code', async () => {
    const r = await dockerd.docker([...RUN, '--rm', IMAGE, 'sh', '-c', 'echo hello from docker; exit 3']);
    expect(r.stdout).toBe('hello from docker\n');
    expect(r.code).toBe(3);
  });

  test('docker exec; docker stop delivers SIGTERM and returns before its timeout', async () => {
    const script = 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done';
    removeAfter('life');
    await ok([...dockerd.client, ...RUN, '-d', '--name', 'life', IMAGE, 'sh', '-c', script]);
    await until('the container printed ready', async () =>
      (await dockerd.docker(['logs', 'life'], { quiet: true })).stdout === 'ready\n' ? true : undefined,
    );
    const exec = await dockerd.docker(['exec', 'life', 'sh', '-c', 'echo in exec; exit 4']);
    expect(exec.stdout).toBe('in exec\n');
    expect(exec.code).toBe(4);

    const stop = await ok([...dockerd.client, 'stop', '-t', '5', 'life']);
    expect(stop.ms).toBeLessThan(5000);
    expect(await exitCode('life')).toBe(7);
    expect((await ok([...dockerd.client, 'logs', 'life'])).stdout).toBe('ready\ngot TERM\n');
    await ok([...dockerd.client, 'rm', 'life']);
  });

  test('docker stop kills a container that ignores SIGTERM once its timeout is over: exit 137', async () => {
    removeAfter('stubborn');
    await ok([...dockerd.client, ...RUN, '-d', '--name', 'stubborn', IMAGE, 'sh', '-c', 'trap "" TERM; sleep 1000']);
    const stop = await ok([...dockerd.client, 'stop', '-t', '1', 'stubborn']);
    expect(stop.ms).toBeGreaterThanOrEqual(1000);
    expect(stop.ms).toBeLessThan(6000);
    expect(await exitCode('stubborn')).toBe(137);
    await ok([...dockerd.client, 'rm', 'stubborn']);
  });

  test('docker run -it: an interactive shell on a terminal (tmux)', async () => {
    const line = `${shown([...dockerd.client, ...RUN, '-it', '--rm', '--name', 'tty', IMAGE, 'sh'])}; echo "docker exited $?"; sleep 30`;
    const pane = openTmux(`DOCKER_CONFIG=${join(dir, 'client')} ${line}`, 100, 20);
    try {
      await pane.until((s) => /^\/ #|docker exited/m.test(s), 'the shell prompt');
      expect(pane.screen()).not.toContain('docker exited');
      pane.type('tty; echo $((6 * 7)); exit 5');
      await pane.until((s) => s.includes('docker exited'), 'the end of docker run');
      const screen = pane.screen();
      process.stdout.write(`${screen.trimEnd()}\n`);
      expect(screen).toMatch(/^\/dev\/pts\/\d+$/m);
      expect(screen).toMatch(/^42$/m);
      expect(screen).toContain('docker exited 5');
    } finally {
      pane.kill();
      await dockerd.docker(['rm', '-f', 'tty'], { quiet: true });
    }
  });

  test('no container is left', async () => {
    expect((await ok([...dockerd.client, 'ps', '-aq'])).stdout).toBe('');
  });
});
