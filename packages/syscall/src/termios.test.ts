import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createKernel } from './real-kernel.js';
import { makeRaw } from './termios.js';

/** `stty sane` on Linux: iflag BRKINT ICRNL IMAXBEL IUTF8 IXON, oflag OPOST ONLCR, cflag CS8 CREAD HUPCL B38400, lflag ISIG ICANON IEXTEN ECHO ECHOE ECHOK ECHOCTL ECHOKE. */
function sane(): Uint8Array {
  const t = new Uint8Array(36);
  const v = new DataView(t.buffer);
  v.setUint32(0, 0o2 | 0o400 | 0o20000 | 0o40000 | 0o2000, true);
  v.setUint32(4, 0o1 | 0o4, true);
  v.setUint32(8, 0o60 | 0o200 | 0o2000 | 0o17, true);
  v.setUint32(12, 0o1 | 0o2 | 0o100000 | 0o10 | 0o20 | 0o40 | 0o1000 | 0o4000, true);
  t[17 + 0] = 3; // VINTR ^C
  t[17 + 6] = 1; // VMIN
  return t;
}

describe('makeRaw', () => {
  it('clears what cfmakeraw clears and keeps the rest', () => {
    const before = sane();
    const raw = makeRaw(before);
    const v = new DataView(raw.buffer);
    expect(v.getUint32(0, true)).toBe(0o20000 | 0o40000); // IMAXBEL IUTF8 stay
    expect(v.getUint32(4, true)).toBe(0o4); // ONLCR stays, OPOST goes
    expect(v.getUint32(8, true)).toBe(0o60 | 0o200 | 0o2000 | 0o17);
    expect(v.getUint32(12, true)).toBe(0o20 | 0o40 | 0o1000 | 0o4000); // ECHOE ECHOK ECHOCTL ECHOKE
    expect(raw[17]).toBe(3);
    expect([raw[17 + 6], raw[17 + 5]]).toEqual([1, 0]);
    expect(before).toEqual(sane()); // a copy
  });

  it('with a read timeout, a read returns after it with nothing (VMIN 0, VTIME n)', () => {
    const raw = makeRaw(sane(), { readTimeoutTenths: 2 });
    expect([raw[17 + 6], raw[17 + 5]]).toEqual([0, 2]);
  });

  it.skipIf(process.platform !== 'linux')(
    'is what stty calls raw, on a real pty (Kernel.getTermios/setTermios)',
    () => {
      const kernel = createKernel();
      const pty = kernel.openPty();
      try {
        const stty = () => execFileSync('stty', ['-F', pty.path, '-a'], { encoding: 'utf8' }).split(/[\s;]+/);
        expect(stty()).toContain('icanon');
        const saved = kernel.getTermios(pty.slave);
        kernel.setTermios(pty.slave, makeRaw(saved));
        expect(stty()).toContain('-icanon');
        expect(stty()).toContain('-echo');
        expect(stty()).toContain('-isig');
        kernel.setTermios(pty.slave, saved);
        expect(kernel.getTermios(pty.slave)).toEqual(saved);
        kernel.setWindowSize(pty.master, { rows: 33, columns: 101 });
        expect(kernel.getWindowSize(pty.slave)).toEqual({ rows: 33, columns: 101 });
        expect(execFileSync('stty', ['-F', pty.path, 'size'], { encoding: 'utf8' }).trim()).toBe('33 101');
      } finally {
        kernel.close(pty.master);
        kernel.close(pty.slave);
      }
    },
  );
});
