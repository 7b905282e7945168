import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type ExitStatus, PR_SET_CHILD_SUBREAPER } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBundle, type TestBundle } from '../../test-support/bundle.js';
import { listenConsoleSocket, readToHangup } from '../../test-support/console-socket.js';
import { GOCONTAINER, gocontainer, hostMounts } from '../../test-support/gocontainer.js';

const kernel = createKernel();
let root: string;
let out: string;
const bundles: TestBundle[] = [];
const used: string[] = [];
let n = 0;

function bundle(args: string[], change?: Parameters<typeof createBundle>[1]): TestBundle {
  const b = createBundle(args, change);
  bundles.push(b);
  return b;
}

function newId(): string {
  const id = `lc-${process.pid}-${n++}`;
  used.push(id);
  return id;
}

const gc = (...args: string[]) => gocontainer(['--root', root, ...args]);

/**
 * `gocontainer create` with its (and so the container's) stdout and stderr
 * going to `file`, as a shim hands over its pipes: a pipe of ours would stay
 * open as long as the container runs. `stderr`: what create wrote there.
 */
function create(
  id: string,
  b: TestBundle,
  file: string,
  ...extra: string[]
): Promise<{ code: number | null; stderr: string }> {
  return withFileStdio(file, 'create', '--bundle', b.path, ...extra, id);
}

/** `gocontainer ARGS...` with stdout and stderr to `file` (what a detached container holds open). */
async function withFileStdio(file: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(file, 'a');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [GOCONTAINER, '--root', root, ...args], { stdio: ['ignore', fd, fd] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  closeSync(fd);
  return { code, stderr: readFileSync(file, 'utf8') };
}

/** This process is a child subreaper (as containerd's shim): a created init reparents to it, and is reaped here. */
async function reap(pid: number, timeoutMs = 10_000): Promise<ExitStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = kernel.waitidNoHang('pid', pid);
    if (r) return r.status;
    if (Date.now() > deadline) throw new Error(`pid ${pid} did not exit in ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

function state(id: string): Promise<Record<string, unknown>> {
  return gc('state', id).then((r) => {
    if (r.code !== 0) throw new Error(`state ${id}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  });
}

/** The container's cgroup in every hierarchy of this host (v1 controllers, name=systemd, unified). */
const cgroupDirs = (id: string) =>
  readdirSync('/sys/fs/cgroup', { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `/sys/fs/cgroup/${e.name}/gocontainer/${id}`);

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const s = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return s !== 'Z' && s !== 'X';
  } catch {
    return false;
  }
}

describe.skipIf(!canRunIntegration())(
  'the OCI lifecycle: create, start, state, kill, delete',
  { timeout: 60_000 },
  () => {
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'gc-lc-root-'));
      kernel.prctl(PR_SET_CHILD_SUBREAPER, 1);
    });
    afterEach(async () => {
      // Deleted, nothing of any container is left: state, cgroup, process, mounts of bundles.
      const ids = used.splice(0);
      const inits = ids.flatMap((id) => {
        try {
          const st = JSON.parse(readFileSync(join(root, id, 'state.json'), 'utf8')) as { init?: { pid: number } };
          return st.init ? [st.init.pid] : [];
        } catch {
          return [];
        }
      });
      for (const id of ids) expect((await gc('delete', '--force', id)).code).toBe(0);
      expect(readdirSync(root).filter((d) => ids.some((id) => d.includes(id)))).toEqual([]);
      for (const id of ids) for (const dir of cgroupDirs(id)) expect(existsSync(dir), dir).toBe(false);
      for (const pid of inits) expect(alive(pid), `pid ${pid}`).toBe(false);
      expect(hostMounts().filter((m) => bundles.some((b) => m.startsWith(b.path)))).toEqual([]);
    });
    afterAll(() => {
      kernel.prctl(PR_SET_CHILD_SUBREAPER, 0);
      for (const b of bundles) b.remove();
      rmSync(root, { recursive: true, force: true });
    });

    function outFile(): string {
      out = join(mkdtempSync(join(tmpdir(), 'gc-lc-out-')), 'out');
      return out;
    }

    it('create leaves the init waiting in gc-exec (no Node, < 5 MB), start runs the command, its exit code reaches the reaper', async () => {
      // Only its stdio reach the process (3 is ls's own directory fd): no fd of the runtime's leaks in.
      const b = bundle(['sh', '-c', 'echo hello from $(hostname); echo fds $(ls /proc/self/fd); exit 3']);
      const id = newId();
      const file = outFile();
      const pidFile = join(b.path, 'init.pid');
      const made = await create(id, b, file, '--pid-file', pidFile);
      expect(made).toEqual({ code: 0, stderr: '' });
      const st = await state(id);
      expect(st).toMatchObject({ ociVersion: '1.2.0', id, status: 'created', bundle: b.path });
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(st.pid).toBe(pid);
      // The static executor, from a sealed memfd, holds nothing of Node.
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe('gc-exec');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      expect(rss).toBeLessThan(5 * 1024);
      expect(readFileSync(file, 'utf8')).toBe('');

      expect((await gc('start', id)).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 3 });
      expect(readFileSync(file, 'utf8')).toBe('hello from runc\nfds 0 1 2 3\n');
      expect(await state(id)).toMatchObject({ status: 'stopped' });
      expect(existsSync(join(root, id, 'exec.fifo'))).toBe(false);

      expect((await gc('delete', id)).code).toBe(0);
      expect(readdirSync(root).filter((d) => d.includes(id))).toEqual([]);
      for (const dir of cgroupDirs(id)) expect(existsSync(dir)).toBe(false);
      expect(hostMounts().filter((m) => m.startsWith(b.path))).toEqual([]);
    });

    it('kill takes names and numbers; a stopped container is "not running"; kill --all reaches every process', async () => {
      const b = bundle(['sh', '-c', 'sleep 100 & trap "echo got TERM; exit 7" TERM; while :; do sleep 0.05; done']);
      const id = newId();
      await create(id, b, outFile());
      const { pid } = (await state(id)) as { pid: number };
      expect((await gc('start', id)).code).toBe(0);
      expect(await state(id)).toMatchObject({ status: 'running', pid });
      await new Promise((r) => setTimeout(r, 200));
      expect((await gc('kill', id, 'TERM')).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 7 });
      expect(readFileSync(out, 'utf8')).toContain('got TERM');
      const stopped = await gc('kill', id, '9');
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain('container not running');

      const id2 = newId();
      await create(id2, bundle(['sh', '-c', 'sleep 100 & sleep 100']), outFile());
      const pid2 = (await state(id2)).pid as number;
      await gc('start', id2);
      await new Promise((r) => setTimeout(r, 200));
      expect((await gc('kill', '--all', id2, 'SIGKILL')).code).toBe(0);
      expect(await reap(pid2)).toMatchObject({ signal: 'SIGKILL' });
      const bad = await gc('kill', id2, 'SIGFOO');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('SIGNAL: expected a signal name');
    });

    it('delete refuses a running container, --force kills it and removes its cgroup; --force of a missing one is fine', async () => {
      const id = newId();
      await create(id, bundle(['sleep', '100']), outFile());
      const pid = (await state(id)).pid as number;
      await gc('start', id);
      const refused = await gc('delete', id);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('running');
      expect(alive(pid)).toBe(true);
      expect((await gc('delete', '--force', id)).code).toBe(0);
      expect(await reap(pid)).toMatchObject({ signal: 'SIGKILL' });
      for (const dir of cgroupDirs(id)) expect(existsSync(dir)).toBe(false);
      const missing = await gc('delete', id);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`container "${id}" does not exist`);
      expect((await gc('delete', '--force', id)).code).toBe(0);
    });

    it('a created container is deleted with its waiting init; start of a deleted or running one fails', async () => {
      const id = newId();
      await create(id, bundle(['true']), outFile());
      const pid = (await state(id)).pid as number;
      expect((await gc('delete', id)).code).toBe(0);
      expect(await reap(pid)).toMatchObject({ signal: 'SIGKILL' });
      const gone = await gc('start', id);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('does not exist');

      const id2 = newId();
      await create(id2, bundle(['sleep', '100']), outFile());
      await gc('start', id2);
      const again = await gc('start', id2);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('it is running; start needs it created');
    });

    it('a failed create leaves no state, cgroup or process, and says why', async () => {
      const cases: Array<[string, TestBundle, RegExp]> = [
        ['missing command', bundle(['no-such-command']), /executable file not found in \$PATH: no-such-command/],
        ['bad field', bundle(['true'], (c) => Object.assign(c.process, { cwd: 'relative' })), /process\.cwd/],
        ['missing rootfs', bundle(['true'], (c) => Object.assign(c.root, { path: 'nowhere' })), /nowhere/],
        [
          'bad cgroupsPath',
          bundle(['true'], (c) => Object.assign(c.linux as object, { cgroupsPath: '/a/../../b' })),
          /linux\.cgroupsPath: expected a path without "\.\."/,
        ],
      ];
      for (const [what, b, message] of cases) {
        const id = newId();
        const r = await create(id, b, outFile());
        expect(r.code, what).toBe(1);
        expect(r.stderr, what).toMatch(message);
        expect(
          readdirSync(root).filter((d) => d.includes(id)),
          what,
        ).toEqual([]);
        for (const dir of cgroupDirs(id)) expect(existsSync(dir), `${what}: ${dir}`).toBe(false);
        expect((await gc('state', id)).stderr).toContain('does not exist');
      }
      const noBundle = await gc('create', '--bundle', '/nonexistent-bundle', newId());
      expect(noBundle.code).toBe(1);
      expect(noBundle.stderr).toContain('/nonexistent-bundle/config.json: ENOENT');

      const id = newId();
      const b = bundle(['sleep', '100']);
      expect((await create(id, b, outFile())).code).toBe(0);
      const twice = await create(id, b, outFile());
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain(`container with id exists: ${id}`);
      expect(await state(id)).toMatchObject({ status: 'created' });
      const badId = await gc('create', '--bundle', b.path, '../x');
      expect(badId.code).toBe(1);
      expect(badId.stderr).toContain('container id "../x"');
    });

    it('--log --log-format json gets the failure as a JSON line, as engines read it', async () => {
      const log = join(mkdtempSync(join(tmpdir(), 'gc-lc-log-')), 'log.json');
      const r = await gocontainer(['--root', root, '--log', log, '--log-format', 'json', 'start', 'no-such-container']);
      expect(r.code).toBe(1);
      const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1) as string);
      expect(line).toMatchObject({ level: 'error', msg: 'container "no-such-container" does not exist' });
      expect(typeof line.time).toBe('string');
    });

    it("runc's run: the exit code passes through and the container is deleted; --detach leaves it running", async () => {
      const id = newId();
      const b = bundle(['sh', '-c', 'echo ran; exit 5']);
      const r = await gc('run', '--bundle', b.path, id);
      expect(r).toMatchObject({ code: 5, stdout: 'ran\n' });
      expect((await gc('state', id)).stderr).toContain('does not exist');

      const id2 = newId();
      const d = await withFileStdio(outFile(), 'run', '-d', '--bundle', bundle(['sleep', '100']).path, id2);
      expect(d.code).toBe(0);
      const st = await state(id2);
      expect(st).toMatchObject({ status: 'running' });
      expect(alive(st.pid as number)).toBe(true);
    });

    it('--preserve-fds hands fd 3 to the container', async () => {
      const id = newId();
      const file = outFile();
      const extra = join(tmpdir(), `gc-lc-fd3-${process.pid}`);
      const fd3 = openSync(extra, 'w');
      const b = bundle(['sh', '-c', 'echo through fd 3 >&3']);
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [GOCONTAINER, '--root', root, 'create', '--bundle', b.path, '--preserve-fds', '1', id],
          { stdio: ['ignore', openSync(file, 'a'), openSync(file, 'a'), fd3] },
        );
        child.on('close', resolve);
      });
      closeSync(fd3);
      expect(code).toBe(0);
      const pid = (await state(id)).pid as number;
      await gc('start', id);
      expect(await reap(pid)).toEqual({ code: 0 });
      expect(readFileSync(extra, 'utf8')).toBe('through fd 3\n');
      rmSync(extra);
    });
    it('hooks run at their points with the state on stdin; a failing prestart fails create, a failing poststop warns', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gc-lc-hooks-'));
      const hook = (name: string, extra = '') => ({
        path: '/bin/sh',
        args: ['sh', '-c', `cat > ${dir}/${name}.json${extra}`],
      });
      const b = bundle(['sh', '-c', 'cat /tmp/start-state.json'], (c) => {
        c.hooks = {
          prestart: [hook('prestart')],
          createRuntime: [hook('createRuntime')],
          createContainer: [hook('createContainer', `; test -d ${dir} && echo host-files-seen > ${dir}/cc-saw`)],
          // Inside the container, after pivot_root: busybox's sh, the container's /tmp.
          startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'cat > /tmp/start-state.json'] }],
          poststart: [hook('poststart')],
          poststop: [hook('poststop')],
        };
      });
      const id = newId();
      const file = outFile();
      expect((await create(id, b, file)).code).toBe(0);
      const pid = (await state(id)).pid as number;
      const read = (name: string) =>
        JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
      for (const name of ['prestart', 'createRuntime', 'createContainer']) {
        expect(read(name), name).toMatchObject({ ociVersion: '1.2.0', id, status: 'creating', pid, bundle: b.path });
      }
      expect(readFileSync(join(dir, 'cc-saw'), 'utf8')).toBe('host-files-seen\n');
      expect(existsSync(join(dir, 'poststart.json'))).toBe(false);
      expect((await gc('start', id)).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 0 });
      expect(read('poststart')).toMatchObject({ id, status: 'running', pid });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ id, status: 'created', pid });
      expect((await gc('delete', id)).code).toBe(0);
      expect(read('poststop')).toMatchObject({ id, status: 'stopped' });

      const failing = bundle(['true'], (c) => {
        c.hooks = { prestart: [{ path: '/bin/sh', args: ['sh', '-c', 'echo boom >&2; exit 3'] }] };
      });
      const id2 = newId();
      const r = await create(id2, failing, outFile());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error running prestart hook #0 (/bin/sh): exit status 3: boom');
      expect(readdirSync(root).filter((d) => d.includes(id2))).toEqual([]);
      for (const dir2 of cgroupDirs(id2)) expect(existsSync(dir2)).toBe(false);

      const warns = bundle(['true'], (c) => {
        c.hooks = { poststop: [{ path: '/bin/false' }] };
      });
      const id3 = newId();
      await create(id3, warns, outFile());
      const del = await gc('delete', id3);
      expect(del.code).toBe(0);
      expect(del.stderr).toContain('gocontainer: warning: error running poststop hook #0 (/bin/false): exit status 1');
      rmSync(dir, { recursive: true, force: true });
    });

    it('--console-socket: the pty master of a terminal container arrives on the socket, and the process has the pty', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gc-lc-console-'));
      const listener = await listenConsoleSocket(kernel, join(dir, 'console.sock'));
      try {
        const b = bundle(['sh', '-c', 'tty; stty size; echo stdin-is-tty=$([ -t 0 ] && echo yes)'], (c) => {
          c.process.terminal = true;
          Object.assign(c.process, { consoleSize: { height: 25, width: 90 } });
        });
        const id = newId();
        expect((await create(id, b, outFile(), '--console-socket', listener.path)).code).toBe(0);
        const master = await listener.master();
        const pid = (await state(id)).pid as number;
        expect((await gc('start', id)).code).toBe(0);
        expect(readToHangup(kernel, master)).toMatch(/^\/dev\/pts\/\d+\r\n25 90\r\nstdin-is-tty=yes\r\n$/);
        expect(await reap(pid)).toEqual({ code: 0 });
        const noSocket = await create(newId(), b, outFile());
        expect(noSocket.code).toBe(1);
        expect(noSocket.stderr).toContain('process.terminal');
      } finally {
        await listener.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a container whose process is not root still gets through its exec fifo', async () => {
      const b = bundle(['sh', '-c', 'id -u; exit 4'], (c) => {
        c.process.user = { uid: 1000, gid: 1000 };
      });
      const id = newId();
      const file = outFile();
      expect((await create(id, b, file)).code).toBe(0);
      const pid = (await state(id)).pid as number;
      expect((await gc('start', id)).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 4 });
      expect(readFileSync(file, 'utf8')).toBe('1000\n');
    });

    it('refuses a cgroupsPath that already holds processes, and leaves them and their cgroup alone', async () => {
      // A host process in a cgroup of its own: the config names that cgroup.
      const cgroup = `gc-lc-shared-${process.pid}`;
      const dirs = ['pids', 'memory', 'freezer'].map((h) => `/sys/fs/cgroup/${h}/${cgroup}`);
      const host = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        for (const dir of dirs) {
          mkdirSync(dir);
          writeFileSync(join(dir, 'cgroup.procs'), String(host.pid));
        }
        const b = bundle(['true'], (c) => {
          (c.linux as Record<string, unknown>).cgroupsPath = `/${cgroup}`;
        });
        const id = newId();
        const r = await create(id, b, outFile());
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`container's cgroup /${cgroup} is not empty: 1 process(es) found`);
        expect(alive(host.pid as number)).toBe(true);
        for (const dir of dirs) expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()).toBe(String(host.pid));
      } finally {
        host.kill('SIGKILL');
        await new Promise((r) => host.once('exit', r));
        for (const dir of dirs) if (existsSync(dir)) rmdirSync(dir);
      }
    });

    it('a created container: its init holds no fd another process of the container can reach, and TERM ends it', async () => {
      const id = newId();
      await create(id, bundle(['sleep', '100']), outFile());
      const pid = (await state(id)).pid as number;
      // A process exec'd into the container (runc's default caps, no CAP_SYS_PTRACE) cannot list the waiting init's fds.
      const peek = await gc(
        'exec',
        id,
        'sh',
        '-c',
        'for f in /proc/1/fd/*; do readlink $f && echo reached $f; done; true',
      );
      expect(peek.stdout).toBe('');
      expect((await gc('exec', id, 'sh', '-c', 'cat /proc/1/fd/0 </dev/null')).stderr).toContain('Permission denied');
      // PID 1 of its namespace drops a signal it has no handler for; the waiting init has one.
      expect((await gc('kill', id, 'TERM')).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 128 + 15 });
      expect(await state(id)).toMatchObject({ status: 'stopped' });
    });

    it("--preserve-fds refuses fds it was not given (Node's own would be handed over)", async () => {
      const id = newId();
      const r = await gc('create', '--bundle', bundle(['true']).path, '--preserve-fds', '5', id);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/create: --preserve-fds 5: fd 3 was not passed to gocontainer/);
      expect((await gc('state', id)).stderr).toContain('does not exist');
    });

    it('a user namespace mapping root to another uid: created in gc-exec, started, root inside', async () => {
      const b = bundle(['sh', '-c', 'id -u; cat /proc/self/uid_map'], (c) => {
        const linux = c.linux as { namespaces: { type: string }[] } & Record<string, unknown>;
        linux.namespaces.push({ type: 'user' });
        linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        // What a user namespace cannot mount: cgroupfs; sysfs only through a bind.
        c.mounts = c.mounts
          .filter((m) => m.type !== 'cgroup')
          .map((m) =>
            m.type === 'sysfs'
              ? {
                  destination: '/sys',
                  type: 'none',
                  source: '/sys',
                  options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
                }
              : m,
          );
      });
      // The mapped root (uid 100000 on the host) mounts the root: it must reach it, as with runc.
      chmodSync(b.path, 0o755);
      const id = newId();
      const file = outFile();
      const made = await create(id, b, file);
      expect(made).toEqual({ code: 0, stderr: '' });
      const pid = (await state(id)).pid as number;
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toBe('gc-exec');
      expect((await gc('start', id)).code).toBe(0);
      expect(await reap(pid)).toEqual({ code: 0 });
      expect(readFileSync(file, 'utf8')).toMatch(/^0\n\s+0\s+100000\s+65536\n$/);
    });
  },
);
