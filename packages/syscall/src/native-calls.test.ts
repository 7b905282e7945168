import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AT_FDCWD, F_GETFL, LOCK_EX, LOCK_NB, LOCK_UN, MFD_CLOEXEC, O_CLOEXEC, O_RDONLY } from './constants.js';
import { SyscallError } from './errors.js';
import { nativeCalls } from './libc.js';
import { createKernel } from './real-kernel.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Runs `body` (an ES module's code, with createKernel and the file `lock` in `dir`) in a Node of its own. */
function inChild(body: string, env: Record<string, string> = {}) {
  const script = `import { createKernel } from ${JSON.stringify(dist)};\n${body}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('the gc-calls addon', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is built and loads', () => {
    expect(nativeCalls()).not.toBeNull();
  });

  it("gives the kernel's errors the same names and steps as koffi's path", () => {
    const kernel = createKernel();
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(gone.stdout.trim());
    const e = thrown(() => kernel.pidfdOpen(pid));
    expect(SyscallError.isInstance(e) && e.errnoCode).toBe('ESRCH');
    expect(String(e)).toContain(`open a pidfd for pid ${pid}`);
    expect(SyscallError.isInstance(thrown(() => kernel.close(1_000_000)))).toBe(true);
    expect(String(thrown(() => kernel.close(1_000_000)))).toMatch(/close fd 1000000: EBADF/);
    const dir = mkdtempSync(join(tmpdir(), 'gc-calls-'));
    dirs.push(dir);
    expect(kernel.getxattr(dir, 'user.gocontainer.none')).toBeUndefined();
    const long = `${dir}/${'x'.repeat(5000)}`;
    expect((thrown(() => kernel.getxattr(long, 'user.x')) as SyscallError).errnoCode).toBe('ENAMETOOLONG');
    const missing = thrown(() => kernel.openat(AT_FDCWD, `${dir}/missing`, O_RDONLY | O_CLOEXEC));
    expect(String(missing)).toMatch(new RegExp(`open ${dir}/missing: ENOENT`));
    expect((thrown(() => kernel.openat(AT_FDCWD, long, O_RDONLY)) as SyscallError).errnoCode).toBe('ENAMETOOLONG');
    kernel.mkfifo(`${dir}/fifo`, 0o600);
    expect(statSync(`${dir}/fifo`).isFIFO()).toBe(true);
    expect(String(thrown(() => kernel.mkfifo(`${dir}/fifo`, 0o600)))).toMatch(/make the fifo .*: EEXIST/);
    // A memfd's name is at most 249 bytes.
    expect(String(thrown(() => kernel.memfdCreate('m'.repeat(300), 0)))).toMatch(/create memfd m+: EINVAL/);
  });

  it('opens, makes memfds and tells a terminal from a file', () => {
    const kernel = createKernel();
    const dir = mkdtempSync(join(tmpdir(), 'gc-calls-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'file'), 'contents');
    const fd = kernel.openat(AT_FDCWD, join(dir, 'file'), O_RDONLY | O_CLOEXEC);
    try {
      expect(readFileSync(fd, 'utf8')).toBe('contents');
      expect(kernel.isatty(fd)).toBe(false);
    } finally {
      kernel.close(fd);
    }
    const memfd = kernel.memfdCreate('gc-calls-test', MFD_CLOEXEC);
    try {
      kernel.write(memfd, 'in memory');
      expect(readFileSync(`/proc/self/fd/${memfd}`, 'utf8')).toBe('in memory');
      expect(readlinkSync(`/proc/self/fd/${memfd}`)).toBe('/memfd:gc-calls-test (deleted)');
    } finally {
      kernel.close(memfd);
    }
    // The bad fd is not a terminal either (isatty's EBADF is no error to its callers).
    expect(kernel.isatty(1_000_000)).toBe(false);
  });

  it('locks, signals through a pidfd and reads back flags and tags', () => {
    const kernel = createKernel();
    const dir = mkdtempSync(join(tmpdir(), 'gc-calls-'));
    dirs.push(dir);
    const a = openSync(join(dir, 'lock'), 'w');
    const b = openSync(join(dir, 'lock'), 'w');
    try {
      kernel.flock(a, LOCK_EX | LOCK_NB);
      expect((thrown(() => kernel.flock(b, LOCK_EX | LOCK_NB)) as SyscallError).errnoCode).toBe('EAGAIN');
      kernel.flock(a, LOCK_UN);
      kernel.flock(b, LOCK_EX | LOCK_NB);
      // O_WRONLY, as opened.
      expect(kernel.fcntl(a, F_GETFL) & 0o3).toBe(1);
    } finally {
      closeSync(a);
      closeSync(b);
    }
    kernel.setxattr(dir, 'user.gocontainer.test', 'tagged');
    expect(kernel.getxattr(dir, 'user.gocontainer.test')).toBe('tagged');
  });

  it('kills a process through its pidfd', async () => {
    const kernel = createKernel();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const pidfd = kernel.pidfdOpen(child.pid as number);
    try {
      kernel.pidfdSendSignal(pidfd, 'SIGKILL');
    } finally {
      kernel.close(pidfd);
    }
    expect(await exited).toBe('SIGKILL');
  });

  it('spares a lock, a pidfd and a signal the load of koffi', () => {
    const body = `
      import { openSync, readFileSync } from 'node:fs';
      const kernel = createKernel();
      const fd = openSync(${JSON.stringify(join(tmpdir(), `gc-calls-lock-${process.pid}`))}, 'a');
      kernel.flock(fd, 2);
      const pidfd = kernel.pidfdOpen(process.pid);
      kernel.pidfdSendSignal(pidfd, 'SIGCONT');
      kernel.close(pidfd);
      const maps = readFileSync('/proc/self/maps', 'utf8');
      console.log(JSON.stringify({ calls: maps.includes('gc-calls.node'), koffi: maps.includes('koffi.node') }));
    `;
    const fast = inChild(body);
    expect(fast.stderr).toBe('');
    expect(JSON.parse(fast.stdout)).toEqual({ calls: true, koffi: false });
    // Without the addon, koffi makes the same calls.
    const slow = inChild(body, { GC_NATIVE_CALLS: join(tmpdir(), 'gc-calls-missing.node') });
    expect(slow.stderr).toBe('');
    expect(JSON.parse(slow.stdout)).toEqual({ calls: false, koffi: true });
    rmSync(join(tmpdir(), `gc-calls-lock-${process.pid}`), { force: true });
  });

  it('spawns a program and learns of its exit without koffi, and with it where the addon is missing', () => {
    // What `run` and `create` call: a tty check, an open, a memfd, a spawn and the reaper's report.
    const body = `
      import { readFileSync } from 'node:fs';
      import { Program } from ${JSON.stringify(dist)};
      const kernel = createKernel();
      kernel.isatty(0);
      kernel.close(kernel.openat(-100, '/dev/null', 0o2000002, 0));
      kernel.close(kernel.memfdCreate('gc-calls-child', 1));
      const program = new Program();
      program.scope('@gc/test').execvp('/bin/sh', ['/bin/sh', '-c', 'exit 7'], [], 'exec /bin/sh');
      const child = kernel.spawn(program);
      const status = await child.exited;
      const maps = readFileSync('/proc/self/maps', 'utf8');
      console.log(JSON.stringify({ status, calls: maps.includes('gc-calls.node'), koffi: maps.includes('koffi.node') }));
    `;
    const fast = inChild(body);
    expect(fast.stderr).toBe('');
    expect(JSON.parse(fast.stdout)).toEqual({ status: { code: 7 }, calls: true, koffi: false });
    const slow = inChild(body, { GC_NATIVE_CALLS: join(tmpdir(), 'gc-calls-missing.node') });
    expect(slow.stderr).toBe('');
    expect(JSON.parse(slow.stdout)).toEqual({ status: { code: 7 }, calls: false, koffi: true });
  });

  it("reads koffi's errno after a failed koffi call that follows a failed addon call", () => {
    const kernel = createKernel();
    // The addon's close fails with EBADF; koffi's read of a directory then fails with EISDIR.
    expect(String(thrown(() => kernel.close(1_000_000)))).toMatch(/EBADF/);
    const dir = kernel.openat(AT_FDCWD, tmpdir(), O_RDONLY | O_CLOEXEC);
    try {
      expect(String(thrown(() => kernel.read(dir, new Uint8Array(8))))).toMatch(/read fd \d+: EISDIR/);
    } finally {
      kernel.close(dir);
    }
  });
});
