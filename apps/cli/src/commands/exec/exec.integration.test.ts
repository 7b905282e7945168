import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerFilesystem, dockerNamespaces, dockerSecurity } from '@gc/engine';
import { createStateStore, type RunningContainer, type Spec, type StateStore, startContainer } from '@gc/runtime';
import { createKernel, PR_SET_CHILD_SUBREAPER } from '@gc/syscall';
import { type BusyboxRoot, canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenConsoleSocket, readToHangup } from '../../test-support/console-socket.js';
import { finish, GOCONTAINER, gocontainer } from '../../test-support/gocontainer.js';

const kernel = createKernel();

/** `/proc/PID/stat` field 22: with the pid, what names a process in the state store. */
function startTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function statusField(pid: number | 'self', field: string, text?: string): string | undefined {
  const status = text ?? readFileSync(`/proc/${pid}/status`, 'utf8');
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1];
}

const NAMESPACES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'uts'];

/**
 * `gocontainer exec` against a running busybox container: started in this
 * process with startContainer() and recorded in a temp state store as the
 * OCI runtime's create would record it, so the CLI finds it by id.
 */
describe.skipIf(!canRunIntegration())('gocontainer exec', { timeout: 60_000 }, () => {
  let root: BusyboxRoot;
  let dir: string;
  let store: StateStore;
  let container: RunningContainer;
  const id = `exec-test-${process.pid}`;
  const exec = (args: string[], opts: { input?: string } = {}) =>
    gocontainer(['--root', join(dir, 'state'), 'exec', ...args], opts);

  async function record(name: string, init: { pid: number; start: number }, config: Spec, cgroup?: string) {
    await store.create(name, {
      bundle: dir,
      rootfs: root.path,
      annotations: {},
      status: 'creating',
      created: new Date().toISOString(),
      owner: 0,
    });
    await store.update(name, (r) => ({ ...r, status: 'running', init, config, ...(cgroup ? { cgroup } : {}) }));
  }

  /**
   * `gocontainer exec ARGS` as a shim runs a detached one: its stdout and
   * stderr on a file (the process keeps them: a pipe of ours would stay
   * open), resolved once gocontainer itself exited.
   */
  async function execDetached(args: string[]): Promise<{ code: number | null; output: string; ms: number }> {
    const file = join(dir, `detached-${Math.random().toString(36).slice(2)}.out`);
    const out = openSync(file, 'w');
    const started = Date.now();
    const child = spawn(process.execPath, [GOCONTAINER, '--root', join(dir, 'state'), 'exec', ...args], {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    return { code, output: readFileSync(file, 'utf8'), ms: Date.now() - started };
  }

  /** Only the init is left in the container's cgroup. */
  function expectOnlyInit(): void {
    expect(container.cgroup.pids()).toEqual([container.pid]);
  }

  beforeAll(async () => {
    root = createBusyboxRoot();
    // A user's container: others may enter its root and write /tmp (mkdtemp made the root 0700).
    chmodSync(root.path, 0o755);
    chmodSync(join(root.path, 'tmp'), 0o1777);
    dir = mkdtempSync(join(tmpdir(), 'gc-exec-'));
    store = createStateStore({ kernel, root: join(dir, 'state') });
    const fs = dockerFilesystem();
    const security = dockerSecurity({});
    const spec: Spec = {
      process: {
        args: ['sleep', '1000'],
        env: ['PATH=/bin', 'A=1'],
        cwd: '/',
        capabilities: security.capabilities,
        noNewPrivileges: true,
        rlimits: [{ type: 'RLIMIT_NOFILE', soft: 777, hard: 777 }],
      },
      root: { path: root.path },
      hostname: 'exectest',
      mounts: fs.mounts,
      linux: {
        namespaces: dockerNamespaces('none'),
        maskedPaths: fs.maskedPaths,
        readonlyPaths: fs.readonlyPaths,
        ...(security.seccomp ? { seccomp: security.seccomp } : {}),
      },
    };
    container = await startContainer(spec, { kernel, containerId: id });
    await record(id, { pid: container.pid, start: startTime(container.pid) }, spec, container.cgroup.path);
  });

  afterAll(async () => {
    container?.kill('SIGKILL');
    await container?.exited;
    root?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs in the init's namespaces and cgroup, with the container's caps, no_new_privs, seccomp and rlimits", async () => {
    const script = [
      ...NAMESPACES.map((ns) => `readlink /proc/self/ns/${ns}`),
      'echo cgroup-self=$(cat /proc/self/cgroup | tr "\\n" " ")',
      'echo cgroup-init=$(cat /proc/1/cgroup | tr "\\n" " ")',
      'hostname',
      'cat /proc/self/status',
      'echo nofile=$(ulimit -n)',
      'echo pwd=$(pwd) A=$A',
    ].join('; ');
    const r = await exec([id, 'sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, NAMESPACES.length)).toEqual(
      NAMESPACES.map((ns) => readlinkSync(`/proc/${container.pid}/ns/${ns}`)),
    );
    const self = /^cgroup-self=(.*)$/m.exec(r.stdout)?.[1];
    expect(self).toBe(/^cgroup-init=(.*)$/m.exec(r.stdout)?.[1]);
    expect(self).toMatch(/\S/);
    expect(r.stdout).toMatch(/^exectest$/m);
    for (const field of ['CapBnd', 'CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'NoNewPrivs', 'Seccomp']) {
      expect([field, statusField('self', field, r.stdout)]).toEqual([field, statusField(container.pid, field)]);
    }
    expect(statusField('self', 'NoNewPrivs', r.stdout)).toBe('1');
    expect(statusField('self', 'Seccomp', r.stdout)).toBe('2');
    expect(statusField('self', 'Uid', r.stdout)).toBe('0\t0\t0\t0');
    expect(r.stdout).toMatch(/^nofile=777$/m);
    expect(r.stdout).toMatch(/^pwd=\/ A=1$/m);
    expectOnlyInit();
  });

  it('takes --user, --additional-gids, --cwd, --env and --cap', async () => {
    const r = await exec([
      '--user',
      '1000:1001',
      '--additional-gids',
      '1002',
      '--cwd',
      '/tmp',
      '--env',
      'A=2',
      '--env',
      'B=3',
      '--cap',
      'CAP_SYS_ADMIN',
      id,
      'sh',
      '-c',
      'id; pwd; echo A=$A B=$B; grep -E "^(Cap|Groups)" /proc/self/status',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^uid=1000 gid=1001 groups=1002$/m);
    expect(r.stdout).toMatch(/^\/tmp$/m);
    expect(r.stdout).toMatch(/^A=2 B=3$/m);
    const sysAdmin = 1n << 21n;
    for (const set of ['CapBnd', 'CapEff', 'CapPrm', 'CapAmb']) {
      const mask = BigInt(`0x${statusField('self', set, r.stdout)}`);
      expect([set, mask & sysAdmin]).toEqual([set, sysAdmin]);
    }
    expect(BigInt(`0x${statusField(container.pid, 'CapBnd')}`) & sysAdmin).toBe(0n);
  });

  it("passes the process's exit code through, and its stdio", async () => {
    const r = await exec([id, 'sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 7'], { input: 'hello\n' });
    expect(r).toMatchObject({ code: 7, stdout: 'got hello\n', stderr: 'oops\n' });
    const killed = await exec([id, 'sh', '-c', 'kill -9 $$']);
    expect(killed.code).toBe(137);
  });

  it("a missing command: runc's text, exit 255, nothing left in the cgroup", async () => {
    const r = await exec([id, 'nope']);
    expect(r.code).toBe(255);
    expect(r.stderr).toBe('gocontainer: exec failed: exec: "nope": executable file not found in $PATH\n');
    const path = await exec([id, '/bin/nope']);
    expect(path.stderr).toBe('gocontainer: exec failed: exec: "/bin/nope": no such file or directory\n');
    const cwd = await exec(['--cwd', '/nope', id, 'true']);
    expect(cwd.code).toBe(255);
    expect(cwd.stderr).toMatch(/change to the working directory \/nope .*ENOENT/);
    expectOnlyInit();
  });

  it('refuses a stopped container ("container not running") and a missing one ("does not exist")', async () => {
    const config = store.load(id).record.config as Spec;
    // An init that is gone: a pid above the kernel's maximum.
    await record('stopped', { pid: 4194305, start: 1 }, config);
    const stopped = await exec(['stopped', 'true']);
    expect(stopped.code).toBe(255);
    expect(stopped.stderr).toBe(
      'gocontainer: exec failed: cannot exec container "stopped": container not running (it is stopped)\n',
    );
    const missing = await exec(['missing', 'true']);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toBe('gocontainer: exec failed: container "missing" does not exist\n');
  });

  it('names the field of a bad --process file; runs a good one (as containerd writes it)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ args: ['sh', 1], cwd: '/' }));
    const r = await exec(['--process', bad, id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gocontainer: exec: --process ${bad}: process.args[1]: expected a string, got the number 1\n`,
    );
    writeFileSync(bad, '{"args": ');
    expect((await exec(['--process', bad, id])).stderr).toMatch(/--process .*: not JSON/);

    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        user: { uid: 5, gid: 6 },
        args: ['sh', '-c', 'id; grep NoNewPrivs /proc/self/status'],
        env: ['PATH=/bin'],
        cwd: '/',
        capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      }),
    );
    const ok = await exec(['--process', good, id]);
    expect(ok.stderr).toBe('');
    // No supplementary groups: the runtime's own were dropped.
    expect(ok.stdout).toBe('uid=5 gid=6\nNoNewPrivs:\t0\n');
    expectOnlyInit();
  });

  it('--preserve-fds N passes fds 3.. through', async () => {
    const file = join(dir, 'fd3');
    const fd = openSync(file, 'w');
    const child = spawn(
      process.execPath,
      [GOCONTAINER, '--root', join(dir, 'state'), 'exec', '--preserve-fds', '1', id, 'sh', '-c', 'echo via3 >&3'],
      { stdio: ['pipe', 'pipe', 'pipe', fd] },
    );
    child.stdin?.end();
    closeSync(fd);
    const r = await finish(child);
    expect(r.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('via3\n');
    const unopened = await exec(['--preserve-fds', '2', id, 'true']);
    expect(unopened.code).toBe(1);
    expect(unopened.stderr).toMatch(/--preserve-fds 2: fd 3 was not passed to gocontainer/);
  });

  describe("detached, as containerd's shim calls it (a child subreaper)", () => {
    beforeAll(() => kernel.prctl(PR_SET_CHILD_SUBREAPER, 1));
    afterAll(() => kernel.prctl(PR_SET_CHILD_SUBREAPER, 0));

    it("--detach --pid-file: returns while the process runs; it ends up the subreaper's child, in the container", async () => {
      const pidFile = join(dir, 'exec.pid');
      const r = await execDetached(['--detach', '--pid-file', pidFile, id, 'sh', '-c', 'sleep 30']);
      expect(r).toMatchObject({ code: 0, output: '' });
      expect(r.ms).toBeLessThan(10_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(readFileSync(pidFile, 'utf8')).toMatch(/^\d+$/);
      expect(existsSync(join(dir, '.exec.pid'))).toBe(false);
      // The CLI is gone: the process is this subreaper's now, and in the container.
      expect(parentOf(pid)).toBe(process.pid);
      expect(readlinkSync(`/proc/${pid}/ns/pid`)).toBe(readlinkSync(`/proc/${container.pid}/ns/pid`));
      expect(container.cgroup.pids().sort()).toEqual([container.pid, pid].sort());
      expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toBe(readFileSync(`/proc/${container.pid}/cgroup`, 'utf8'));
      // What a shim does: reap it, and read its exit.
      const handle = kernel.attach(pid);
      handle.kill('SIGTERM');
      expect(await handle.exited).toMatchObject({ signal: 'SIGTERM' });
      expectOnlyInit();
    });

    it('an exit before the CLI is gone still reaches the subreaper', async () => {
      const pidFile = join(dir, 'quick.pid');
      const r = await execDetached(['-d', '--pid-file', pidFile, id, 'sh', '-c', 'exit 5']);
      expect(r).toMatchObject({ code: 0, output: '' });
      const handle = kernel.attach(Number(readFileSync(pidFile, 'utf8')));
      expect(await handle.exited).toEqual({ code: 5 });
    });

    it('--tty --console-socket: the pty master arrives on the socket; the process has the pty', async () => {
      const listener = await listenConsoleSocket(kernel, join(dir, 'console.sock'));
      try {
        const pidFile = join(dir, 'tty.pid');
        const r = await execDetached([
          '--detach',
          '--tty',
          '--console-socket',
          listener.path,
          '--pid-file',
          pidFile,
          id,
          'sh',
          '-c',
          'tty; echo stdin-is-tty=$([ -t 0 ] && echo yes)',
        ]);
        expect(r).toMatchObject({ code: 0, output: '' });
        const out = readToHangup(kernel, await listener.master());
        expect(out).toMatch(/^\/dev\/pts\/\d+\r\nstdin-is-tty=yes\r\n$/);
        const handle = kernel.attach(Number(readFileSync(pidFile, 'utf8')));
        expect(await handle.exited).toEqual({ code: 0 });
      } finally {
        await listener.close();
      }
    });
  });

  it('forwards the signals sent to gocontainer to the process', async () => {
    const script = 'trap "echo got-term; exit 9" TERM; echo ready; while :; do sleep 0.1; done';
    const child = spawn(process.execPath, [GOCONTAINER, '--root', join(dir, 'state'), 'exec', id, 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let sent = false;
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      // One signal, as a user sends it: another one on the "got-term" chunk
      // could reach gocontainer once the process has exited.
      if (out.includes('ready') && !sent) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    const r = await finish(child);
    expect(r.code).toBe(9);
    expect(out).toBe('ready\ngot-term\n');
    expectOnlyInit();
  });

  it('a pid file that cannot be written: the process is killed and reaped, nothing left', async () => {
    const r = await execDetached(['--detach', '--pid-file', join(dir, 'no/such/dir/p.pid'), id, 'sleep', '30']);
    expect(r.code).toBe(255);
    expect(r.output).toMatch(/^gocontainer: exec failed: write the pid file .*p\.pid: ENOENT/);
    expectOnlyInit();
  });

  it("--tty in the foreground: gocontainer relays a pty of the container's", async () => {
    const r = await exec(['--tty', id, 'sh', '-c', 'tty; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n/);
  });

  it('refuses --tty --detach without --console-socket, and a console socket without --tty', async () => {
    const r = await exec(['--tty', '--detach', id, 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot allocate tty .* without setting --console-socket/);
    const s = await exec(['--detach', '--console-socket', join(dir, 'none.sock'), id, 'true']);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/cannot use --console-socket if gocontainer will not detach or allocate tty/);
    expectOnlyInit();
  });

  describe('a container with a user namespace', () => {
    let userns: RunningContainer;
    const uid = `${id}-userns`;
    // Root stays root (the busybox files are the host's); the other ids are shifted.
    const maps = [
      { containerID: 0, hostID: 0, size: 1 },
      { containerID: 1, hostID: 100001, size: 65535 },
    ];
    beforeAll(async () => {
      const fs = dockerFilesystem();
      const spec: Spec = {
        process: { args: ['sleep', '1000'], env: ['PATH=/bin'], cwd: '/' },
        root: { path: root.path },
        mounts: fs.mounts.filter((m) => m.destination !== '/sys'),
        linux: {
          namespaces: [...dockerNamespaces('none'), { type: 'user' }],
          uidMappings: maps,
          gidMappings: maps,
        },
      };
      userns = await startContainer(spec, { kernel, containerId: uid });
      await record(uid, { pid: userns.pid, start: startTime(userns.pid) }, spec, userns.cgroup.path);
    });
    afterAll(async () => {
      userns?.kill('SIGKILL');
      await userns?.exited;
    });

    it("joins the init's user namespace first, then the others; --user is an id of that namespace", async () => {
      const script = ['user', ...NAMESPACES].map((ns) => `readlink /proc/self/ns/${ns}`).join('; ');
      const r = await exec(['--user', '1000:1000', uid, 'sh', '-c', `${script}; cat /proc/self/uid_map; id`]);
      expect(r.stderr).toBe('');
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, NAMESPACES.length + 1)).toEqual(
        ['user', ...NAMESPACES].map((ns) => readlinkSync(`/proc/${userns.pid}/ns/${ns}`)),
      );
      expect(r.stdout).toContain(readFileSync(`/proc/${userns.pid}/uid_map`, 'utf8'));
      expect(r.stdout).toMatch(/^uid=1000 gid=1000$/m);
      expect(userns.cgroup.pids()).toEqual([userns.pid]);
    });
  });
});
