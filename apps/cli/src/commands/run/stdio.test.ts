import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { openStdio, resolveStdioMode } from './stdio.js';

describe('resolveStdioMode', () => {
  it.each([
    [{}, true, { tty: true, interactive: true }], // gocontainer run /bin/bash in a terminal
    [{}, false, { tty: false, interactive: false }],
    [{ interactive: true }, true, { tty: false, interactive: true }],
    [{ interactive: true }, false, { tty: false, interactive: true }],
    [{ tty: true }, false, { tty: true, interactive: false }],
    [{ tty: true, interactive: true }, true, { tty: true, interactive: true }],
  ])('%o with a terminal stdin %s: %o', (flags, stdinIsTerminal, mode) => {
    expect(resolveStdioMode(flags, stdinIsTerminal)).toEqual(mode);
  });

  it('-it without a terminal on stdin is a usage error', () => {
    expect(() => resolveStdioMode({ tty: true, interactive: true }, false)).toThrow(
      /--interactive with --tty: standard input is not a terminal/,
    );
  });
});

/** A FakeKernel on which the fds in `terminals` are terminals. */
function kernelWith(terminals: number[]): FakeKernel {
  const kernel = new FakeKernel();
  kernel.onSyscall('ioctl', ({ args }) => (terminals.includes(args[0] as number) ? 1 : 0));
  return kernel;
}

describe('openStdio', () => {
  it('hands files and pipes over as they are; stdin is /dev/null without -i', () => {
    const kernel = kernelWith([]);
    const stdio = openStdio(kernel, { tty: false, interactive: false });
    const devNull = kernel.callsOf('openat').find((c) => c.path === '/dev/null');
    expect(devNull).toBeDefined();
    expect(stdio.fds[0]).not.toBe(0);
    expect(stdio.fds.slice(1)).toEqual([1, 2]);
    expect(stdio.consoleSocket).toBeUndefined();
    stdio.close();
    expect(kernel.openFds.size).toBe(0);
  });

  it('never hands over a terminal: each is replaced by a pipe', () => {
    const kernel = kernelWith([0, 1, 2]);
    const stdio = openStdio(kernel, { tty: false, interactive: true });
    expect(kernel.callsOf('pipe2')).toHaveLength(3);
    for (const fd of stdio.fds) expect([0, 1, 2]).not.toContain(fd);
    stdio.close();
    expect(kernel.openFds.size).toBe(0);
  });

  it('with a tty: /dev/null until the pty is made, a console socket, and the size of our terminal', () => {
    const kernel = kernelWith([1]);
    kernel.setWindowSize(1, { rows: 50, columns: 132 });
    const stdio = openStdio(kernel, { tty: true, interactive: false });
    expect(new Set(stdio.fds).size).toBe(1);
    expect(stdio.fds[0]).toBeGreaterThan(2);
    expect(kernel.callsOf('socketpair')).toHaveLength(1);
    expect(stdio.consoleSocket).toBeDefined();
    expect(stdio.consoleSize).toEqual({ rows: 50, columns: 132 });
    stdio.close();
    expect(kernel.openFds.size).toBe(0);
  });
});
