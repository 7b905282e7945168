import { Readable } from 'node:stream';
import { GcError, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, SyscallError } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { buildTar, streamOf } from './test-layers.js';
import { unpackLayer } from './unpack-layer.js';

describe('unpackLayer with a FakeKernel', () => {
  it('makes every entry by one name relative to a directory fd that openat2 resolved in-root', async () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const tar = await buildTar([
      { name: 'usr/bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'usr/bin/busybox', data: 'bb' },
      { name: 'usr/lib/x', data: 'x' },
    ]);
    await unpackLayer(kernel, streamOf(tar), 'none', '/layers/1', { zstd: false });
    const [root, ...dirs] = [kernel.callsOf('openat')[0], ...kernel.callsOf('openat2')];
    expect(root?.path).toBe('/layers/1');
    for (const call of dirs) expect(call?.how.resolve).toBe(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    const named = [
      ...kernel.callsOf('openat').slice(1),
      ...kernel.callsOf('mkdirat'),
      ...kernel.callsOf('symlinkat'),
      ...kernel.callsOf('fchownat'),
      ...kernel.callsOf('utimensat'),
    ].map((c) => c.path);
    expect(named.length).toBeGreaterThan(0);
    for (const path of named) expect(path).not.toContain('/');
    expect(kernel.openFds.size).toBe(0);
  });

  it('fails with the step and the entry, and closes its fds', async () => {
    const kernel = new FakeKernel({ arch: 'x64' }).fail({ syscall: 'fchownat', errno: 'EINVAL' });
    const tar = await buildTar([{ name: 'etc/passwd', data: 'root', uid: 70000 }]);
    const error = await unpackLayer(kernel, streamOf(tar), 'none', '/layers/1').catch((e: unknown) => e);
    expect(SyscallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('unpack layer: fchownat "etc/passwd" in layer: EINVAL (Invalid argument)');
    expect(kernel.openFds.size).toBe(0);
  });
  it.each([
    ['x', 'a PAX header'],
    ['g', 'a PAX global header'],
    ['L', 'a GNU long name'],
  ])('refuses %s header (%s) over 1 MiB before reading it into memory', async (type, what) => {
    // A header block declaring 256 MiB of records, then that much data made as it is read.
    const header = Buffer.alloc(512);
    const octal = (value: number, at: number, width: number) =>
      header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, 'latin1');
    header.write('PaxHeaders/f', 0, 'latin1');
    octal(0o644, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(256 << 20, 124, 12);
    octal(0, 136, 12);
    header.write(type, 156, 'latin1');
    header.write('ustar\x0000', 257, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    let read = 0;
    const input = Readable.from(
      (function* () {
        yield header;
        const chunk = Buffer.alloc(64 << 10, 0x41);
        for (let i = 0; i < 4096; i++) {
          read += chunk.length;
          yield chunk;
        }
      })(),
    );
    const kernel = new FakeKernel({ arch: 'x64' });
    const error = await unpackLayer(kernel, input, 'none', '/layers/1', { zstd: false }).catch((e: unknown) => e);
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_LAYER');
    expect((error as Error).message).toBe(
      `unpack layer: read the tar: at byte 0: ${what} of ${256 << 20} bytes, more than the 1048576 a tar may hold (as Docker's)`,
    );
    expect(read).toBeLessThan(8 << 20);
    expect(kernel.openFds.size).toBe(0);
  });
});
