import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerStateFile } from '@gc/engine';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer, processesMatching } from '../../test-support/gocontainer.js';
import { loadTestImages } from '../../test-support/test-images.js';

const HIERARCHIES = ['memory', 'pids', 'unified', 'cpu'].map((h) => `/sys/fs/cgroup/${h}/gocontainer`);

/** `/proc/PID/stat` field 4 (the parent) and 22 (the start time); undefined when gone (or a zombie). */
function stat(pid: number): { ppid: number; start: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined;
    return { ppid: Number(f[1]), start: Number(f[19]) };
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, get: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const runsNow = (pid: number, start: number | undefined) => stat(pid)?.start === start;

/** The monitor's command line holds `--id ID` (NUL-separated, as /proc shows it). */
const monitorOf = (id: string) => `--id\0${id}\0`;

/** A frame of the attach protocol: kind, three zero bytes, u32 BE length, payload. */
const frame = (kind: number, payload: Buffer) => {
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
};

/**
 * Attach to a container's monitor (through /proc/self/fd: the socket's full
 * path may be longer than a unix socket's), send `frames`, and collect what
 * comes back until the monitor lets go: [kind, text] pairs, the exit's code.
 */
async function attach(dir: string, frames: Buffer[]): Promise<{ output: [number, string][]; exit?: number }> {
  const fd = openSync(dir, 'r');
  try {
    return await new Promise((resolve, reject) => {
      const socket = connect(`/proc/self/fd/${fd}/attach.sock`);
      let buf = Buffer.alloc(0);
      const output: [number, string][] = [];
      let exit: number | undefined;
      socket.on('connect', () => {
        for (const f of frames) socket.write(f);
      });
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 8 && buf.length >= 8 + buf.readUInt32BE(4)) {
          const len = buf.readUInt32BE(4);
          const payload = buf.subarray(8, 8 + len);
          if (buf[0] === 5) exit = payload.readInt32BE(0);
          else output.push([buf[0] as number, payload.toString()]);
          buf = buf.subarray(8 + len);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(exit === undefined ? { output } : { output, exit }));
    });
  } finally {
    closeSync(fd);
  }
}

interface LogRecord {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

describe.skipIf(!canRunIntegration())('gocontainer run -d (integration, root)', { timeout: 60_000 }, () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  let dirs: string;
  let runRoot: string;
  let dataRoot: string;
  const made: string[] = [];
  const gc = (args: string[]) => gocontainer(['--root', runRoot, '--data-root', dataRoot, ...args]);
  const dirOf = (id: string) => join(dataRoot, 'engine', 'containers', id);
  const state = (id: string) =>
    JSON.parse(readFileSync(join(dirOf(id), 'state.json'), 'utf8')) as ContainerStateFile & {
      monitorPid: number;
    };
  const log = (id: string, suffix = '') =>
    readFileSync(join(dirOf(id), `${id}-json.log${suffix}`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogRecord);
  const runDetached = async (args: string[]) => {
    const r = await gc(['run', '-d', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    made.push(id);
    return id;
  };
  /** Nothing of the container is left on the host but (unless removed) its directory in the store. */
  const nothingRunning = (id: string) => {
    expect(existsSync(join(runRoot, id))).toBe(false);
    for (const h of HIERARCHIES) expect(existsSync(join(h, id))).toBe(false);
    expect(processesMatching(monitorOf(id))).toEqual([]);
  };

  beforeAll(() => {
    root = createBusyboxRoot();
    dirs = mkdtempSync(join(tmpdir(), 'gc-detached-'));
    runRoot = join(dirs, 'run');
    dataRoot = join(dirs, 'data');
  });
  afterEach(async () => {
    // A failed test's containers: their monitors and inits go, then their files.
    for (const id of made.splice(0)) {
      for (const pid of processesMatching(monitorOf(id))) process.kill(pid, 'SIGKILL');
      if (existsSync(dirOf(id))) {
        const s = state(id);
        if (s.pid && stat(s.pid)?.start === s.pidStart) process.kill(s.pid, 'SIGKILL');
      }
    }
  });
  afterAll(async () => {
    await gc(['__cleanup-container', 'all']);
    root.remove();
    rmSync(dirs, { recursive: true, force: true });
  });

  it('prints the full ID and exits while the container runs; the log gets its output with timestamps', async () => {
    const started = Date.now();
    const id = await runDetached([
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'echo hello; echo oops >&2; read x < /dev/null; sleep 1; printf "no newline"',
    ]);
    // The CLI is gone, the container runs: its init is the monitor's child, the monitor nobody's but init's.
    const running = state(id);
    expect(running.status).toBe('running');
    expect(stat(running.pid)?.start).toBe(running.pidStart);
    expect(stat(running.pid)?.ppid).toBe(running.monitorPid);
    expect(stat(running.monitorPid)?.start).toBe(running.monitorStart);
    // The starter exits once it reported: no Node process stays.
    await until('the starter to end', () => processesMatching(`__start-container\0${id}`).length === 0, 5000);
    const record = JSON.parse(readFileSync(join(dirOf(id), 'container.json'), 'utf8'));
    expect(record).toMatchObject({ id, path: '/bin/sh', image: '' });

    const exited = await until('the exit', () => state(id).status === 'exited' && state(id));
    expect(exited).toMatchObject({ exitCode: 0, pid: 0, restartCount: 0 });
    const records = log(id);
    expect(records.map((r) => [r.stream, r.log])).toEqual([
      ['stdout', 'hello\n'],
      ['stderr', 'oops\n'],
      ['stdout', 'no newline'],
    ]);
    for (const r of records) {
      expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(Date.parse(r.time)).toBeGreaterThanOrEqual(started - 1000);
    }
    // It ran for the second it slept, and ended after its last word.
    expect(Date.parse(exited.finishedAt) - Date.parse(exited.startedAt)).toBeGreaterThanOrEqual(500);
    expect(exited.finishedAt >= (records[2] as LogRecord).time).toBe(true);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    nothingRunning(id);
  });

  it('after kill -9 of the monitor, the state file and the init still tell the truth', async () => {
    const id = await runDetached(['--rootfs', root.path, '/bin/sleep', '30']);
    const s = state(id);
    process.kill(s.monitorPid, 'SIGKILL');
    await until('the monitor to die', () => stat(s.monitorPid) === undefined);
    // The container outlives its monitor: the file says running, and the init it names runs.
    expect(state(id).status).toBe('running');
    expect(stat(s.pid)?.start).toBe(s.pidStart);
    // Once the init is gone too, the pid and start time in the file name a process that does not run.
    process.kill(s.pid, 'SIGKILL');
    await until('the init to die', () => stat(s.pid)?.start !== s.pidStart);
    expect(state(id).status).toBe('running');
    // What it left (run directory, cgroup) goes with the next sweep.
    await gc(['__cleanup-container', id]);
    nothingRunning(id);
  });

  it('--restart on-failure:3 restarts exactly three times, with back-off, and keeps the exit code', async () => {
    const id = await runDetached([
      '--restart',
      'on-failure:3',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'echo try; exit 3',
    ]);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    const s = state(id);
    expect(s).toMatchObject({ status: 'exited', exitCode: 3, restartCount: 3 });
    expect(log(id).map((r) => r.log)).toEqual(['try\n', 'try\n', 'try\n', 'try\n']);
    // 100 + 200 + 400 ms of back-off between the four lives.
    const times = log(id).map((r) => Date.parse(r.time));
    expect((times[3] as number) - (times[0] as number)).toBeGreaterThanOrEqual(650);
    nothingRunning(id);
  });

  it('a stop request ends a restart policy', async () => {
    const id = await runDetached(['--restart', 'always', '--rootfs', root.path, '/bin/sleep', '30']);
    const s = state(id);
    writeFileSync(join(dirOf(id), 'stop-requested'), '');
    process.kill(s.pid, 'SIGKILL');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(state(id)).toMatchObject({ status: 'exited', exitCode: 137, restartCount: 0, stoppedByUser: true });
    nothingRunning(id);
  });

  it('splits a line longer than 16 KiB into records as Docker does, the last one ending it', async () => {
    const id = await runDetached([
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'head -c 40000 /dev/zero | tr "\\0" a; echo; echo "tab\there \\"quoted\\""',
    ]);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    const records = log(id).map((r) => r.log);
    expect(records.map((r) => r.length)).toEqual([16384, 16384, 40000 - 2 * 16384 + 1, 'tab\there "quoted"\n'.length]);
    expect(records.slice(0, 3).join('')).toBe(`${'a'.repeat(40000)}\n`);
    expect(records[3]).toBe('tab\there "quoted"\n');
  });

  it('-m: an OOM kill is in the state file', async () => {
    const id = await runDetached([
      '-m',
      '50m',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'head -c 200m /dev/zero | tail',
    ]);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(state(id)).toMatchObject({ status: 'exited', exitCode: 137, oomKilled: true });
    nothingRunning(id);
    const fine = await runDetached(['-m', '50m', '--rootfs', root.path, '/bin/true']);
    await until('the monitor to end', () => processesMatching(monitorOf(fine)).length === 0);
    expect(state(fine)).toMatchObject({ status: 'exited', exitCode: 0, oomKilled: false });
  });

  it('rotates the log at max-size, keeping max-file files', async () => {
    const id = await runDetached([
      '--log-opt',
      'max-size=300',
      '--log-opt',
      'max-file=3',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); done',
    ]);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    const files = readdirSync(dirOf(id)).filter((f) => f.includes('-json.log'));
    expect(files.sort()).toEqual([`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    // Oldest first, each file at most max-size and one record; the newest lines kept, in order.
    const lines = ['.2', '.1', ''].flatMap((suffix) => {
      const size = readFileSync(join(dirOf(id), `${id}-json.log${suffix}`)).length;
      expect(size).toBeLessThan(300 + 100);
      return log(id, suffix).map((r) => r.log.trim());
    });
    const first = Number((lines[0] as string).slice('line-'.length));
    expect(first).toBeGreaterThan(0);
    expect(lines).toEqual(Array.from({ length: 40 - first }, (_, i) => `line-${first + i}`));
  });

  it('cp of a stopped --rootfs container: its directory, read-only with --read-only', async () => {
    const ran = await gc(['run', '--name', 'rorf', '--read-only', '--rootfs', root.path, '/bin/true']);
    expect(ran.code).toBe(0);
    const id = (await gc(['ps', '-a', '-q', '--no-trunc', '--filter', 'name=rorf'])).stdout.trim();
    made.push(id);
    writeFileSync(join(dirs, 'in'), 'in\n');
    const into = await gc(['cp', join(dirs, 'in'), 'rorf:/in']);
    expect(into.code).toBe(1);
    expect(into.stderr).toMatch(/its root .* is read-only \(--read-only\)/);
    expect(existsSync(join(root.path, 'in'))).toBe(false);
    expect((await gc(['cp', 'rorf:/etc/passwd', join(dirs, 'passwd')])).code).toBe(0);
    expect(readFileSync(join(dirs, 'passwd'), 'utf8')).toBe(readFileSync(join(root.path, 'etc/passwd'), 'utf8'));
    expect((await gc(['rm', 'rorf'])).code).toBe(0);
  });

  it('--rm -d leaves nothing once the container exited', async () => {
    const id = await runDetached(['--rm', '--rootfs', root.path, '/bin/sh', '-c', 'echo bye']);
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(existsSync(dirOf(id))).toBe(false);
    nothingRunning(id);
  });

  it('a container that cannot start fails run -d as docker run -d, and leaves nothing', async () => {
    const before = readdirSync(join(dataRoot, 'engine', 'containers'));
    const notFound = await gc(['run', '-d', '--name', 'never', '--rootfs', root.path, '/bin/nosuch']);
    expect(notFound.code).toBe(127);
    expect(notFound.stdout).toBe('');
    expect(notFound.stderr).toBe('gocontainer: no such file or directory: /bin/nosuch\n');
    const notExecutable = await gc(['run', '-d', '--rootfs', root.path, '/etc/passwd']);
    expect(notExecutable.code).toBe(126);
    expect(notExecutable.stderr).toMatch(/permission denied: \/etc\/passwd cannot be executed/);
    const badPolicy = await gc(['run', '-d', '--restart', 'sometimes', '--rootfs', root.path, '/bin/true']);
    expect(badPolicy.code).toBe(125);
    expect(badPolicy.stderr).toMatch(/^gocontainer: --restart: invalid restart policy "sometimes"/);
    const conflict = await gc(['run', '-d', '--rm', '--restart', 'always', '--rootfs', root.path, '/bin/true']);
    expect(conflict.stderr).toMatch(/Conflicting options: --restart and --rm/);
    expect(readdirSync(join(dataRoot, 'engine', 'containers')).filter((d) => !before.includes(d))).toEqual([]);
    expect(readdirSync(runRoot)).toEqual([]);
    expect(processesMatching(`--data-root ${dataRoot}`)).toEqual([]);
    // The name of the failed container is free again.
    const named = await runDetached(['--name', 'never', '--rootfs', root.path, '/bin/true']);
    await until('the monitor to end', () => processesMatching(monitorOf(named)).length === 0);
  });

  it('runs an image detached, holding its layers while the container exists, and --name is unique', async () => {
    const images = await loadTestImages();
    expect((await gc(['load', '-i', images.busyboxDocker])).code).toBe(0);
    const id = await runDetached([
      '--name',
      'web',
      'localhost/gc-e2e-busybox:1',
      'sh',
      '-c',
      'echo from-image; sleep 30',
    ]);
    const record = JSON.parse(readFileSync(join(dirOf(id), 'container.json'), 'utf8'));
    expect(record).toMatchObject({ name: 'web', image: 'localhost/gc-e2e-busybox:1', path: 'sh' });
    expect(record.imageId).toMatch(/^sha256:/);
    await until('its output', () => existsSync(join(dirOf(id), `${id}-json.log`)) && log(id).length > 0);
    expect(log(id)[0]?.log).toBe('from-image\n');
    const again = await gc(['run', '-d', '--name', 'web', 'localhost/gc-e2e-busybox:1', 'true']);
    expect(again.code).toBe(125);
    expect(again.stderr).toContain(`--name: the container name "web" is already in use by container ${id}`);
    // The image is in use: rmi refuses it.
    const rmi = await gc(['rmi', 'localhost/gc-e2e-busybox:1']);
    expect(rmi.code).not.toBe(0);
    process.kill(state(id).pid, 'SIGKILL');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(state(id)).toMatchObject({ status: 'exited', exitCode: 137 });
    nothingRunning(id);
    expect((await gc(['__remove-container', id])).code).toBe(0);
    expect(existsSync(dirOf(id))).toBe(false);
    expect((await gc(['rmi', 'localhost/gc-e2e-busybox:1'])).code).toBe(0);
  });

  it('restart stops and starts it again on the same writable layer; start -a replays an exited one', async () => {
    expect((await gc(['load', '-i', (await loadTestImages()).busyboxDocker])).code).toBe(0);
    const id = await runDetached([
      '--name',
      'counter',
      'localhost/gc-e2e-busybox:1',
      'sh',
      '-c',
      'echo x >> /count; echo lives=$(wc -l < /count); sleep 30',
    ]);
    const first = state(id);
    await until('its first words', () => existsSync(join(dirOf(id), `${id}-json.log`)) && log(id).length === 1);
    const restarted = await gc(['restart', '-t', '1', 'counter']);
    expect(restarted).toMatchObject({ code: 0, stdout: 'counter\n', stderr: '' });
    const second = state(id);
    expect(second.status).toBe('running');
    expect(second.pid).not.toBe(first.pid);
    expect(runsNow(first.monitorPid, first.monitorStart)).toBe(false);
    await until('its second words', () => log(id).length === 2);
    expect(log(id).map((r) => r.log)).toEqual(['lives=1\n', 'lives=2\n']);
    // start of a running container leaves it be.
    expect(await gc(['container', 'start', id.slice(0, 12)])).toMatchObject({
      code: 0,
      stdout: `${id.slice(0, 12)}\n`,
    });
    expect(state(id).pid).toBe(second.pid);
    writeFileSync(join(dirOf(id), 'stop-requested'), '');
    process.kill(second.pid, 'SIGKILL');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    nothingRunning(id);
    // start -a: its output until it exits, and its code.
    const other = await runDetached(['--rootfs', root.path, '/bin/sh', '-c', 'echo out; echo err >&2; exit 7']);
    await until('the monitor to end', () => processesMatching(monitorOf(other)).length === 0);
    const attached = await gc(['container', 'start', '-a', other]);
    expect(attached).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(state(other)).toMatchObject({ status: 'exited', exitCode: 7 });
    nothingRunning(other);
    expect((await gc(['__remove-container', id])).code).toBe(0);
  });

  it('restart of a --rm container keeps it; its exit after that removes it', async () => {
    const id = await runDetached(['--rm', '--rootfs', root.path, '/bin/sleep', '30']);
    const first = state(id);
    expect(await gc(['restart', '-t', '0', id])).toMatchObject({ code: 0, stdout: `${id}\n` });
    const second = state(id);
    expect(second.status).toBe('running');
    expect(second.monitorPid).not.toBe(first.monitorPid);
    process.kill(second.pid, 'SIGKILL');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(existsSync(dirOf(id))).toBe(false);
    nothingRunning(id);
  });

  it('-i: an attach client writes its stdin and gets its output and exit code', async () => {
    const id = await runDetached([
      '-i',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'read line; echo "got $line"; cat; echo done >&2; exit 5',
    ]);
    const got = await attach(dirOf(id), [
      frame(0, Buffer.from('first\n')),
      frame(0, Buffer.from('second\n')),
      frame(4, Buffer.alloc(0)),
    ]);
    expect(got.exit).toBe(5);
    // Frames as the pipes gave the chunks: per stream, the bytes in order.
    const stream = (kind: number) =>
      got.output
        .filter(([k]) => k === kind)
        .map(([, t]) => t)
        .join('');
    expect(stream(1)).toBe('got first\nsecond\n');
    expect(stream(2)).toBe('done\n');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(log(id).map((r) => [r.stream, r.log])).toEqual([
      ['stdout', 'got first\n'],
      ['stdout', 'second\n'],
      ['stderr', 'done\n'],
    ]);
    expect(existsSync(join(dirOf(id), 'attach.sock'))).toBe(false);
    nothingRunning(id);
  });

  it('-t: the monitor holds the pty master; a client types into it and resizes it', async () => {
    const id = await runDetached(['-t', '-i', '--rootfs', root.path, '/bin/sh']);
    expect(JSON.parse(readFileSync(join(dirOf(id), 'container.json'), 'utf8')).config).toMatchObject({
      tty: true,
      openStdin: true,
    });
    const size = Buffer.alloc(4);
    size.writeUInt16BE(33, 0);
    size.writeUInt16BE(111, 2);
    const got = await attach(dirOf(id), [frame(3, size), frame(0, Buffer.from('stty size; tty; exit 3\n'))]);
    expect(got.exit).toBe(3);
    const text = got.output.map(([kind, t]) => {
      expect(kind).toBe(1);
      return t;
    });
    expect(text.join('')).toContain('33 111\r\n/dev/pts/0\r\n');
    await until('the monitor to end', () => processesMatching(monitorOf(id)).length === 0);
    expect(state(id)).toMatchObject({ status: 'exited', exitCode: 3 });
    expect(
      log(id)
        .map((r) => r.log)
        .join(''),
    ).toContain('33 111\r\n');
    nothingRunning(id);
  });
});
