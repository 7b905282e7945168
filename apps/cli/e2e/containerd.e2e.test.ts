import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { type Background, background, ok, run, shown, until } from './support/command.js';
import { type Containerd, startContainerd } from './support/containerd.js';
import { canRunE2e, e2e, engineDir, explainFailures, IMAGE, sweep } from './support/context.js';

const { runtime, images } = e2e();
const { dir, cgroup } = engineDir('containerd');
let containerd: Containerd;

/** `ctr run` flags: the runtime under test, its root and the container's cgroup under this run's. */
const runFlags = (id: string) => [
  '--runc-binary',
  runtime,
  '--runc-root',
  join(dir, 'runtime-root'),
  '--fifo-dir',
  join(dir, 'fifo'),
  '--cgroup',
  `/${cgroup}/${id}`,
];

/** Is the cgroup frozen, as the kernel says (v1 freezer, or v2's cgroup.events)? */
function frozen(path: string): boolean {
  const v1 = `/sys/fs/cgroup/freezer/${path}/freezer.state`;
  if (existsSync(v1)) return readFileSync(v1, 'utf8').trim() === 'FROZEN';
  return /^frozen 1$/m.test(readFileSync(`/sys/fs/cgroup/${path}/cgroup.events`, 'utf8'));
}

/** A failed test leaves no task running for the next. */
function killAfter(id: string, init: Background): void {
  onTestFinished(async () => {
    await containerd.ctr(['task', 'kill', '-s', 'SIGKILL', id], { quiet: true });
    await init.done.catch(() => undefined);
  });
}

async function taskStatus(id: string): Promise<string | undefined> {
  const { stdout } = await ok(['ctr', '--address', containerd.address, 'task', 'ls'], { quiet: true });
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((cols) => cols[0] === id)?.[2];
}

describe.skipIf(!canRunE2e)(`containerd (ctr run --runc-binary ${runtime})`, () => {
  explainFailures(dir);

  beforeAll(async () => {
    containerd = await startContainerd(dir);
    await containerd.importImage(join(images.dir, 'busybox-oci.tar'));
  });

  afterAll(async () => {
    await containerd?.daemon.stop();
    sweep(dir, cgroup);
  });

  // ctr (containerd 1.6) once printed nothing for a container that exited at
  // once, with runc too: the output is written a moment before the exit.
  /** `ctr run --rm` of `sh -c SCRIPT` in the busybox image, left running. */
  const runInBackground = (id: string, script: string) =>
    background(['ctr', '--address', containerd.address, 'run', '--rm', ...runFlags(id), IMAGE, id, 'sh', '-c', script]);

  test('run prints the output, and ctr exits with the container exit code', async () => {
    const r = await containerd.ctr([
      'run',
      '--rm',
      ...runFlags('run'),
      IMAGE,
      'run',
      'sh',
      '-c',
      'echo hello from ctr; sleep 0.1; exit 3',
    ]);
    expect(r.stdout).toBe('hello from ctr\n');
    expect(r.code).toBe(3);
  });

  test('exec, pause/resume (frozen in its cgroup), kill with SIGTERM', async () => {
    const id = 'life';
    const script = 'trap "echo got TERM; exit 9" TERM; echo ready; while :; do sleep 0.1; done';
    const init = runInBackground(id, script);
    killAfter(id, init);
    await init.printed('ready\n');

    const exec = await containerd.ctr([
      'task',
      'exec',
      '--fifo-dir',
      join(dir, 'fifo'),
      '--exec-id',
      'e1',
      id,
      'sh',
      '-c',
      'echo in exec; exit 4',
    ]);
    expect(exec.stdout).toBe('in exec\n');
    expect(exec.code).toBe(4);

    await ok(['ctr', '--address', containerd.address, 'task', 'pause', id]);
    expect(await taskStatus(id)).toBe('PAUSED');
    expect(frozen(`${cgroup}/${id}`)).toBe(true);
    await ok(['ctr', '--address', containerd.address, 'task', 'resume', id]);
    expect(await taskStatus(id)).toBe('RUNNING');
    expect(frozen(`${cgroup}/${id}`)).toBe(false);

    await ok(['ctr', '--address', containerd.address, 'task', 'kill', id]);
    const r = await init.done;
    expect(r.stdout).toBe('ready\ngot TERM\n');
    expect(r.code).toBe(9);
  });

  test('kill -s SIGKILL ends a container that ignores SIGTERM: exit 137', async () => {
    const id = 'killed';
    const init = runInBackground(id, 'trap "" TERM; echo ready; sleep 1000');
    killAfter(id, init);
    await init.printed('ready\n');
    await ok(['ctr', '--address', containerd.address, 'task', 'kill', '-s', 'SIGKILL', id]);
    const r = await init.done;
    expect(r.code).toBe(137);
  });

  test('run -t: the container gets a terminal (through a pty: script)', async () => {
    const ctr = ['ctr', '--address', containerd.address, 'run', '--rm', '-t', ...runFlags('tty'), IMAGE, 'tty'];
    const line = shown([...ctr, 'sh', '-c', 'tty; [ -t 0 ] && echo stdin is a terminal; exit 5']);
    const r = await run(['script', '-qec', line, '/dev/null'], { keepStdin: true });
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r+\nstdin is a terminal\r+\n$/);
    expect(r.code).toBe(5);
  });

  test('no container is left', async () => {
    await until('every task gone', async () =>
      ((await taskStatus('life')) ?? (await taskStatus('killed'))) === undefined ? true : undefined,
    );
    const { stdout } = await ok(['ctr', '--address', containerd.address, 'containers', 'ls', '-q']);
    expect(stdout).toBe('');
  });
});
