import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AF_UNIX, MFD_CLOEXEC, MSG_DONTWAIT, MSG_NOSIGNAL, SOCK_CLOEXEC, SOCK_STREAM } from './constants.js';
import { SyscallError } from './errors.js';
import type { Kernel } from './kernel.js';
import { Program } from './program/program.js';
import { createKernel } from './real-kernel.js';
import {
  BUSYBOX_ENV,
  CONTAINER_CLONE_FLAGS,
  canRunIntegration,
  createBusyboxRoot,
  drainPipe,
  planBusyboxRoot,
  runProgram,
  startProgram,
} from './testing/index.js';

const O_CLOEXEC = 0o2000000;
const CLONE_PARENT = 0x8000;

/** A container on the busybox root (and with a hostname) that execs `argv`. */
function containerProgram(opts: { root: string; hostname?: string; argv: string[]; env?: string[] }): Program {
  const program = new Program();
  planBusyboxRoot(program, { root: opts.root, hostname: opts.hostname });
  const [file] = opts.argv;
  if (!file) throw new TypeError('argv must name a command');
  program.scope('@gc/test').execvp(file, opts.argv, opts.env ?? BUSYBOX_ENV, `exec ${file}`);
  return program;
}

/** How the child comes to run the program: `executor` set, gc-exec runs it by fd. */
interface SpawnPath {
  executor?: number;
}

/** Run a program with its stdout on a pipe and its stderr on ours. */
function run(kernel: Kernel, program: Program, via: SpawnPath, cloneFlags: number = CONTAINER_CLONE_FLAGS) {
  return runProgram(kernel, program, { cloneFlags, stderr: 2, ...via });
}

/** A memfd holding gc-exec, as @gc/runtime's sealed copy (unsealed here: nothing writes it). */
async function execHelperMemfd(kernel: Kernel): Promise<number> {
  const { execHelperPath } = await import('@gc/native');
  const fd = kernel.memfdCreate('gc-exec', MFD_CLOEXEC);
  const bytes = readFileSync(execHelperPath);
  for (let off = 0; off < bytes.length; ) off += kernel.write(fd, bytes.subarray(off));
  return fd;
}

function zombiesOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' && Number(fields[1]) === pid) out.push(Number(name));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

describe.skipIf(!canRunIntegration()).each([
  ['in a clone of this process', false],
  ["in gc-exec, exec'd at once by fd (SpawnOptions.executor)", true],
])('spawn (integration, root): the program runs %s', (_how, byExecutor) => {
  const kernel = createKernel();
  let root: ReturnType<typeof createBusyboxRoot>;
  const via: SpawnPath = {};

  beforeAll(async () => {
    root = createBusyboxRoot();
    if (byExecutor) via.executor = await execHelperMemfd(kernel);
  });
  afterAll(() => {
    root.remove();
    if (via.executor !== undefined) kernel.close(via.executor);
  });

  it('runs a shell as PID 1 in new namespaces on a pivoted busybox root', async () => {
    const program = containerProgram({
      root: root.path,
      hostname: 'gc-test',
      // ps writes to a file, not a pipe: a pipeline's other end would race it.
      argv: ['/bin/sh', '-c', 'echo pid=$$; echo host=$(hostname); ps -o pid,comm >/tmp/ps; cat /tmp/ps; ls /'],
    });
    const { stdout, status, startError } = await run(kernel, program, via);
    expect(startError).toBeNull();
    expect(status).toEqual({ code: 0 });
    expect(stdout).toContain('pid=1\n');
    expect(stdout).toContain('host=gc-test\n');
    expect(hostname()).not.toBe('gc-test');
    // Only the shell and ps: the host's processes are invisible.
    const procs = stdout
      .split('\n')
      .filter((l) => /^\s*\d+\s/.test(l))
      .map((l) => l.trim().split(/\s+/));
    expect(procs.map((p) => p[1]).sort()).toEqual(['ps', 'sh']);
    expect(procs.find((p) => p[1] === 'sh')?.[0]).toBe('1');
    // The root is the busybox tree, not the host's.
    expect(stdout).not.toMatch(/\bhome\b|\bvar\b|\busr\b/);
  });

  it('reports the label and errno of the op that failed (the 5th)', async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    p.syscall('mount', [null, '/', null, (1 << 14) | (1 << 18), null], 'make / private');
    p.syscall('chdir', ['/'], 'chdir to /');
    p.syscall('getpid', [], 'get my pid');
    p.syscall('sethostname', ['ok', 2], 'set hostname ok');
    p.syscall('mount', ['/nonexistent-source', '/mnt', null, 0x1000, null], 'bind /nonexistent-source on /mnt');
    p.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
    const { status, startError } = await run(kernel, program, via);
    expect(SyscallError.isInstance(startError)).toBe(true);
    expect(startError?.label).toBe('bind /nonexistent-source on /mnt');
    expect(startError?.errnoCode).toBe('ENOENT');
    expect(startError?.message).toBe('bind /nonexistent-source on /mnt (test): ENOENT (No such file or directory)');
    expect(status).toEqual({ code: 255 });
  });

  it('tolerates the errnos an op allows and goes on', async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    p.syscall('mkdirat', [-100, '/', 0o755], 'mkdir / (exists)', { tolerate: ['EEXIST'] });
    p.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
    const { status, startError } = await run(kernel, program, via, 0);
    expect(startError).toBeNull();
    expect(status).toEqual({ code: 0 });
  });

  it('fails with ENOENT for a command that does not exist, EACCES for one not executable', async () => {
    const missing = await run(kernel, containerProgram({ root: root.path, argv: ['no-such-command'] }), via);
    expect(missing.startError?.label).toBe('exec no-such-command');
    expect(missing.startError?.errnoCode).toBe('ENOENT');

    const notExec = await run(kernel, containerProgram({ root: root.path, argv: ['/etc/passwd'] }), via);
    expect(notExec.startError?.errnoCode).toBe('EACCES');
  });

  it('finds a command on the PATH of the environment inside the root', async () => {
    const { stdout, startError } = await run(
      kernel,
      containerProgram({ root: root.path, argv: ['echo', 'found'], env: ['PATH=/nowhere:/bin'] }),
      via,
    );
    expect(startError).toBeNull();
    expect(stdout).toBe('found\n');
  });

  it('resets signal dispositions and the mask: SIGPIPE is default inside', async () => {
    const parent = readFileSync('/proc/self/status', 'utf8');
    // Node ignores SIGPIPE (signal 13 -> bit 12), so the test can fail.
    expect(BigInt(`0x${/SigIgn:\s+(\w+)/.exec(parent)?.[1]}`) & (1n << 12n)).not.toBe(0n);
    const { stdout } = await run(
      kernel,
      containerProgram({ root: root.path, argv: ['/bin/grep', '-E', '^Sig(Ign|Blk)', '/proc/self/status'] }),
      via,
    );
    expect(stdout).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  });

  it('hands over only the fds of its table: stdio and the ones it preserves', async () => {
    const [extraR, extraW] = kernel.pipe2(O_CLOEXEC);
    const program = containerProgram({ root: root.path, argv: ['/bin/ls', '/proc/self/fd'] });
    const [r, w] = kernel.pipe2(O_CLOEXEC);
    program.setFds([
      { target: 0, source: 0 },
      { target: 1, source: w },
      { target: 2, source: 2 },
      { target: 7, source: extraR },
    ]);
    const child = kernel.spawn(program, { cloneFlags: CONTAINER_CLONE_FLAGS, ...via });
    kernel.close(w);
    const [out] = await Promise.all([drainPipe(r), child.exited]);
    kernel.close(extraR);
    kernel.close(extraW);
    // 3 is ls's own directory fd.
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['0', '1', '2', '3', '7']);
  });

  it('synchronises with the parent: notify, wait, and fork into a grandchild', async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    const pid = p.syscall('getpid', [], 'get my pid');
    p.notify(pid, 'tell the parent my pid');
    const answer = p.wait('wait for the parent');
    p.notify(answer, 'echo the answer');
    p.fork(CLONE_PARENT, 'fork the grandchild');
    p.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
    const child = kernel.spawn(program, via);
    const first = await child.nextNotification();
    expect(first.label).toBe('tell the parent my pid');
    expect(first.value).toBe(BigInt(child.pid));
    child.release(42);
    expect((await child.nextNotification()).value).toBe(42n);
    const forked = await child.nextNotification();
    expect(forked.label).toBe('fork the grandchild');
    const grandchild = Number(forked.value);
    expect(grandchild).not.toBe(child.pid);
    expect(await child.exited).toEqual({ code: 0 });
    // CLONE_PARENT made the grandchild our own child: we can watch and reap it.
    const handle = kernel.attach(grandchild);
    expect(await handle.exited).toEqual({ code: 0 });
  });

  it("gives a fork's record before any of the grandchild's, however the two are scheduled", async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    p.fork(CLONE_PARENT, 'fork the grandchild');
    p.notify(7, 'the grandchild speaks');
    p.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
    // Many at once on few CPUs: a parent preempted right after the clone is
    // what would let the grandchild's record come first.
    const one = async () => {
      const child = kernel.spawn(program, via);
      const records = [await child.nextNotification(), await child.nextNotification()];
      const fork = records.find((r) => r.label === 'fork the grandchild');
      if (fork) await kernel.attach(Number(fork.value)).exited;
      await child.exited;
      child.forget();
      return records.map((r) => r.label);
    };
    for (let round = 0; round < 10; round++) {
      const orders = await Promise.all(Array.from({ length: 20 }, one));
      for (const order of orders) expect(order).toEqual(['fork the grandchild', 'the grandchild speaks']);
    }
  });

  it('forget() closes the sync socket: a forgotten child waiting on it sees its end', async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    p.notify(7, 'tell the parent it may forget me');
    p.wait('wait for a release that never comes');
    p.execvp('echo', ['echo', 'released'], ['PATH=/bin'], 'exec echo');
    const { child, stdout } = startProgram(kernel, program, { stderr: 2, ...via });
    expect((await child.nextNotification()).value).toBe(7n);
    child.forget();
    // stdout ends with the child: its wait read the socket's end (a copy of
    // ours left open would keep it waiting), so it never exec'd echo.
    let timer: NodeJS.Timeout | undefined;
    const out = await Promise.race([
      stdout,
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('still waiting after 3 s'), 3_000);
      }),
    ]);
    clearTimeout(timer);
    if (out !== '') process.kill(child.pid, 'SIGKILL');
    expect(out).toBe('');
  });

  it('a WAIT answered with a negative value fails that op with the errno', async () => {
    const program = new Program();
    const p = program.scope('@gc/test');
    p.wait('wait for the go-ahead');
    p.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
    const child = kernel.spawn(program, via);
    child.release(-1);
    await expect(child.started).rejects.toThrow('wait for the go-ahead (test): EPERM');
    expect(await child.exited).toEqual({ code: 255 });
  });

  it('reports a death by signal, and kill() reaches the child', async () => {
    const program = containerProgram({ root: root.path, argv: ['/bin/sleep', '30'] });
    const child = kernel.spawn(program, { cloneFlags: CONTAINER_CLONE_FLAGS, ...via });
    await child.started;
    child.kill('SIGTERM');
    // PID 1 ignores SIGTERM unless it installed a handler: SIGKILL still works.
    child.kill('SIGKILL');
    expect(await child.exited).toMatchObject({ signal: 'SIGKILL', signalNumber: 9 });
    child.kill(); // after the exit: a no-op, not an error
  });

  it('1000 sequential spawns leave the same fd count and no zombies', async () => {
    const fdsBefore = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 1000; i++) {
      const program = containerProgram({ root: root.path, argv: ['/bin/true'] });
      program.setFds([]);
      const child = kernel.spawn(program, { cloneFlags: CONTAINER_CLONE_FLAGS, ...via });
      const status = await child.exited;
      if (status.code !== 0) throw new Error(`spawn ${i} ended with ${JSON.stringify(status)}`);
      await child.started;
    }
    // Let the last socket closes land.
    await new Promise((res) => setTimeout(res, 50));
    expect(readdirSync('/proc/self/fd').length).toBe(fdsBefore);
    expect(zombiesOf(process.pid)).toEqual([]);
  }, 120_000);

  it('the static gc-exec helper runs a serialised program and reports failures', async () => {
    const { execHelperPath } = await import('@gc/native');
    const ok = new Program();
    ok.scope('@gc/test').execvp('echo', ['echo', 'from gc-exec'], ['PATH=/bin'], 'exec echo');
    const okRun = spawnSync(execHelperPath, ['0', '2', '-1'], { input: Buffer.from(ok.encode()), encoding: 'utf8' });
    expect(okRun.stdout).toBe('from gc-exec\n');
    expect(okRun.status).toBe(0);

    const bad = new Program();
    bad.setFds([{ target: 1, source: 1 }]);
    bad.scope('@gc/test').execvp('no-such-command', ['no-such-command'], ['PATH=/bin'], 'exec no-such-command');
    // The error record goes to fd 1 here, so the test can read it.
    const badRun = spawnSync(execHelperPath, ['0', '1', '-1'], { input: Buffer.from(bad.encode()) });
    expect(badRun.status).toBe(255);
    expect(badRun.stdout.readUInt32LE(0)).toBe(0);
    expect(badRun.stdout.readUInt32LE(4)).toBe(2); // ENOENT
  });

  it('a zero-length send on the sync socket fails with EPIPE once the parent end is closed (a parent-alive check)', async () => {
    const { execHelperPath } = await import('@gc/native');
    const kernel = createKernel();
    const check = new Program();
    check.setFds([{ target: 1, source: 1 }]);
    const p = check.scope('@gc/test');
    p.syscall('sendto', [p.syncFd, null, 0, MSG_DONTWAIT | MSG_NOSIGNAL, null, 0], 'check the parent is alive');
    p.execvp('echo', ['echo', 'alive'], ['PATH=/bin'], 'exec echo');
    const run = (syncFd: number) =>
      spawnSync(execHelperPath, ['0', '1', '3'], {
        input: Buffer.from(check.encode()),
        stdio: ['pipe', 'pipe', 'inherit', syncFd],
      });
    const [parentEnd, childEnd] = kernel.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
    try {
      expect(run(childEnd).stdout.toString()).toBe('alive\n');
      kernel.close(parentEnd);
      const dead = run(childEnd);
      expect(dead.status).toBe(255);
      expect(dead.stdout.readUInt32LE(0)).toBe(0); // the sendto op
      expect(dead.stdout.readUInt32LE(4)).toBe(32); // EPIPE
    } finally {
      kernel.close(childEnd);
    }
  });
});
