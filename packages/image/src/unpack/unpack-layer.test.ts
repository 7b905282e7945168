import { RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, SyscallError } from '@gc/syscall';
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
});
