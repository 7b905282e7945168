import { describe, expect, it } from 'vitest';
import {
  AT_SYMLINK_NOFOLLOW,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  RESOLVE_IN_ROOT,
  S_IFCHR,
} from '../constants.js';
import { SyscallError } from '../errors.js';
import { buildContainerSetup } from '../program/__golden__/container-setup.js';
import { SYNC_FD } from '../program/op.js';
import { Program } from '../program/program.js';
import { RunError } from '../run-error.js';
import { FakeKernel } from './fake-kernel.js';

function mounts(n: number): Program {
  const p = new Program({ arch: 'x64' });
  const rootfs = p.scope('@gc/rootfs');
  for (let i = 0; i < n; i++) rootfs.syscall('mount', ['tmpfs', `/m${i}`, 'tmpfs', 0, null], `mount tmpfs on /m${i}`);
  return p;
}

async function startError(child: { started: Promise<void> }): Promise<SyscallError> {
  const error = await child.started.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SyscallError.isInstance(error)) throw new Error(`expected a SyscallError, got ${String(error)}`);
  return error;
}

describe('FakeKernel running programs', () => {
  it('records syscall ops by name with decoded args, label and package', async () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const p = new Program({ arch: 'x64' });
    p.scope('@gc/rootfs').syscall(
      'mount',
      ['proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null],
      'mount proc on /proc',
    );
    p.execvp('sh', ['sh', '-c', 'true'], ['PATH=/bin'], 'exec sh');
    const child = kernel.spawn(p);
    await child.started;
    expect(await child.exited).toEqual({ code: 0 });
    const run = kernel.programRuns[0];
    expect(run?.ops[0]).toMatchObject({
      kind: 'syscall',
      syscall: 'mount',
      args: ['proc', '/proc', 'proc', 14, 0],
      label: 'mount proc on /proc',
      pkg: '@gc/rootfs',
      result: 0,
    });
    expect(run?.exec).toEqual({ file: 'sh', argv: ['sh', '-c', 'true'], env: ['PATH=/bin'], path: '/bin' });
    expect(run?.state).toBe('exec');
  });

  it('fails the 5th op: started rejects with its label and errno, exited is 255', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).failNth(5, 'EPERM');
    const child = kernel.spawn(mounts(8));
    const error = await startError(child);
    expect(error.label).toBe('mount tmpfs on /m4');
    expect(error.pkg).toBe('@gc/rootfs');
    expect(error.errno).toBe(1);
    expect(error.message).toBe('mount tmpfs on /m4 (rootfs): EPERM (Operation not permitted)');
    expect(await child.exited).toEqual({ code: 255 });
    expect(kernel.lastRun?.ops).toHaveLength(5);
    expect(kernel.lastRun?.failure).toEqual({ op: 4, errno: 1 });
  });

  it('fails a matching syscall by name and nth', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).fail({ syscall: 'mount', nth: 2, errno: 'EBUSY' });
    const error = await startError(kernel.spawn(mounts(3)));
    expect(error.label).toBe('mount tmpfs on /m1');
    expect(error.errnoCode).toBe('EBUSY');
  });

  it('runs RUN ops as they succeed, or fail as a run handler says', async () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const p = new Program({ arch: 'x64' });
    p.runAndWait('/bin/first', ['first'], ['A=1'], 'run the first', { timeoutMs: 10 });
    p.runAndWait('/bin/second', ['second'], [], 'run the second');
    kernel.onSyscall('run', (call) => {
      if (call.args[0] === '/bin/second') throw new RunError({ label: 'x', word: 0x10000 | 4 });
      return 0;
    });
    const error = await kernel.spawn(p).started.catch((e: unknown) => e);
    expect(RunError.isInstance(error)).toBe(true);
    expect((error as RunError).message).toBe('run the second (syscall): exit status 4');
    expect((error as RunError).op).toBe(1);
    expect(kernel.lastRun?.ops[0]?.args).toEqual(['/bin/first', ['first'], ['A=1'], -1, -1, 10]);
    expect(kernel.lastRun?.failure).toEqual({ op: 1, errno: 0x10004 });
  });

  it('goes on after a tolerated errno, with -errno as the result', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).fail({ syscall: 'mkdirat', errno: 'EEXIST' });
    const p = new Program({ arch: 'x64' });
    const mk = p.syscall('mkdirat', [-100, '/dev/pts', 0o755], 'create /dev/pts', { tolerate: ['EEXIST'] });
    p.notify(mk, 'report the mkdir result');
    const child = kernel.spawn(p);
    await child.started;
    expect(kernel.lastRun?.ops[0]).toMatchObject({ result: -17, errno: 17 });
    expect((await child.nextNotification()).value).toBe(-17n);
  });

  it('resolves refs to earlier results from handlers', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).onSyscall('socket', () => 7);
    const p = buildContainerSetup();
    const child = kernel.spawn(p);
    // The program waits twice for the parent.
    expect(kernel.lastRun?.state).toBe('waiting');
    expect(await child.nextNotification()).toEqual({ op: 1, label: 'ask for the id maps', value: 0n });
    child.release();
    expect(await child.nextNotification()).toEqual({ op: 21, label: 'report the container created', value: 1n });
    child.release();
    await child.started;
    const ops = kernel.lastRun?.ops ?? [];
    const ioctl = ops.find((op) => op.syscall === 'ioctl');
    expect(ioctl?.args[0]).toBe(7);
    expect(ioctl?.args[2]).toMatchObject({ kind: 'struct' });
    expect(ops.find((op) => op.syscall === 'close')?.args).toEqual([7]);
  });

  it('applies STOREs to the arena later ops read', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).onSyscall('openat', () => 42);
    kernel.spawn(buildContainerSetup().setFds([])).release(0);
    const run = kernel.lastRun;
    const setattr = run?.ops.find((op) => op.syscall === 'mount_setattr');
    const attr = setattr?.args[3] as { bytes: Uint8Array };
    expect(new DataView(attr.bytes.buffer).getBigUint64(24, true)).toBe(42n);
  });

  it('fails a WAIT with the errno of a negative release, and with EPIPE once the sync socket closed', async () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const p = new Program({ arch: 'x64' });
    p.wait('wait for the id maps');
    const child = kernel.spawn(p);
    child.release(-1);
    expect((await startError(child)).message).toBe('wait for the id maps (syscall): EPERM (Operation not permitted)');

    const other = kernel.spawn(p);
    other.closeSync();
    expect((await startError(other)).errnoCode).toBe('EPIPE');
  });

  it('reads 0 for WAITs with autoRelease', async () => {
    const kernel = new FakeKernel({ arch: 'x64', autoRelease: true });
    const p = new Program({ arch: 'x64' });
    p.wait('wait');
    await kernel.spawn(p).started;
    expect(kernel.lastRun?.state).toBe('completed');
  });

  it('reports a FORK as a notification carrying the new pid', async () => {
    const kernel = new FakeKernel({ arch: 'x64', firstPid: 500 });
    const p = new Program({ arch: 'x64' });
    p.fork(0, 'fork into the pid namespace');
    p.execvp('/bin/true', ['true'], [], 'exec true');
    const child = kernel.spawn(p);
    expect(child.pid).toBe(500);
    expect(await child.nextNotification()).toEqual({ op: 0, label: 'fork into the pid namespace', value: 501n });
    await child.started;
    await expect(child.nextNotification()).rejects.toThrow(/closed its sync socket/);
  });

  it('ends the child as exitWith says, or on kill', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).exitWith(3);
    const p = new Program({ arch: 'x64' });
    p.execvp('/bin/false', ['false'], [], 'exec false');
    expect(await kernel.spawn(p).exited).toEqual({ code: 3 });

    kernel.exitWith('on-kill');
    const child = kernel.spawn(p);
    await child.started;
    expect(kernel.waitidNoHang('pid', child.pid)).toBeNull();
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ signal: 'SIGTERM', signalNumber: 15, coreDumped: false });
    expect(kernel.waitidNoHang('pidfd', child.pidfd)?.status).toEqual({
      signal: 'SIGTERM',
      signalNumber: 15,
      coreDumped: false,
    });
    expect(kernel.callsOf('kill')).toEqual([{ pid: child.pid, signal: 15 }]);
  });

  it('passes SYNC_FD through as the marker', () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const p = new Program({ arch: 'x64' });
    p.syscall('write', [p.syncFd, new Uint8Array([1]), 1], 'write a byte');
    kernel.spawn(p);
    expect(kernel.lastRun?.ops[0]?.args[0]).toBe(SYNC_FD);
    expect(kernel.lastRun?.ops[0]?.args[1]).toMatchObject({ kind: 'bytes', bytes: new Uint8Array([1]) });
  });

  it('refuses a program for another arch, as the executor does', () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    expect(() => kernel.spawn(new Program({ arch: 'arm64' }))).toThrow(/ENOEXEC/);
  });
});

describe('FakeKernel in-process calls', () => {
  it('records typed calls and hands out fds from 100', () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    kernel.mount('/a', '/b', null, MS_BIND);
    const fd = kernel.openat2(-100, 'etc/passwd', { flags: 0, resolve: RESOLVE_IN_ROOT });
    const [r, w] = kernel.pipe2();
    expect([fd, r, w]).toEqual([100, 101, 102]);
    kernel.close(r);
    expect([...kernel.openFds]).toEqual([100, 102]);
    expect(kernel.calls[0]).toEqual({
      call: 'mount',
      syscall: 'mount',
      args: { source: '/a', target: '/b', fstype: null, flags: MS_BIND, data: null },
    });
    expect(kernel.callsOf('openat2')).toEqual([
      { dirfd: -100, path: 'etc/passwd', how: { flags: 0, mode: 0, resolve: RESOLVE_IN_ROOT } },
    ]);
  });

  it('throws SyscallError with the path for injected failures, counting calls and ops together', () => {
    const kernel = new FakeKernel({ arch: 'x64' }).failNth(2, 'ENOENT').fail({ syscall: 'pidfdOpen', errno: 'ESRCH' });
    kernel.mount(null, '/x', null, 0);
    expect(() => kernel.openat(-100, '/missing', 0)).toThrow('openat /missing: ENOENT (No such file or directory)');
    expect(() => kernel.pidfdOpen(1234)).toThrow(/pidfd_open: ESRCH/);
    expect(kernel.calls[1]?.error?.errno).toBe(2);
  });

  it('connects to unix sockets with fresh fds, and fails them as told', () => {
    const kernel = new FakeKernel({ arch: 'x64' }).fail({ syscall: 'connect', nth: 2, errno: 'ECONNREFUSED' });
    const fd = kernel.connectUnix('/run/console.sock');
    expect(kernel.openFds.has(fd)).toBe(true);
    expect(() => kernel.connectUnix('/run/gone.sock')).toThrow('connect /run/gone.sock: ECONNREFUSED');
    expect(kernel.callsOf('connectUnix')).toEqual([{ path: '/run/console.sock' }, { path: '/run/gone.sock' }]);
  });

  it('records the *at file calls a layer unpack makes, and fails them by syscall', () => {
    const kernel = new FakeKernel({ arch: 'x64' }).fail({ syscall: 'mknodat', errno: 'EPERM' });
    kernel.mkdirat(7, 'etc', 0o755);
    kernel.symlinkat('/bin/busybox', 7, 'sh');
    kernel.linkat(7, 'a', 8, 'b');
    kernel.fchownat(7, 'sh', 1000, 1000, AT_SYMLINK_NOFOLLOW);
    kernel.utimensat(7, 'sh', { sec: 1, nsec: 2 }, { sec: 3, nsec: 4 }, AT_SYMLINK_NOFOLLOW);
    kernel.lsetxattr('/proc/self/fd/7/sh', 'user.x', new Uint8Array([0xff, 0]));
    expect(() => kernel.mknodat(7, 'null', S_IFCHR | 0o666, 1, 3)).toThrow('mknodat null: EPERM');
    expect(kernel.calls.map((c) => c.call)).toEqual([
      'mkdirat',
      'symlinkat',
      'linkat',
      'fchownat',
      'utimensat',
      'lsetxattr',
      'mknodat',
    ]);
    expect(kernel.callsOf('linkat')).toEqual([{ oldDirfd: 7, oldPath: 'a', newDirfd: 8, newPath: 'b', flags: 0 }]);
    expect(kernel.callsOf('lsetxattr')[0]?.value).toEqual(new Uint8Array([0xff, 0]));
    expect(kernel.callsOf('mknodat')).toEqual([{ dirfd: 7, path: 'null', mode: S_IFCHR | 0o666, major: 1, minor: 3 }]);
  });

  it('lets handlers answer in-process calls', () => {
    const kernel = new FakeKernel({ arch: 'x64' }).onSyscall('prctl', ({ args }) => (args[0] === 37 ? 1 : 0));
    expect(kernel.prctl(37)).toBe(1);
  });
});
