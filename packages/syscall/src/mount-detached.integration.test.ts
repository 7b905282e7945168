import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKernel } from './real-kernel.js';
import { canRunIntegration } from './testing/index.js';

const kernel = createKernel();
const mounts = () => readFileSync('/proc/self/mountinfo', 'utf8');

describe.skipIf(!canRunIntegration())('Kernel.mountDetached (root)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gc-detached-mount-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an overlay reachable only through its fd, gone once the fd is closed', () => {
    for (const d of ['lower', 'upper', 'work']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower', 'from-lower'), 'lower\n');
    const before = mounts();
    const fd = kernel.mountDetached(
      'overlay',
      [
        { key: 'source', value: 'overlay', label: 'source' },
        { key: 'lowerdir', value: join(dir, 'lower'), label: 'lower' },
        { key: 'upperdir', value: join(dir, 'upper'), label: 'upper' },
        { key: 'workdir', value: join(dir, 'work'), label: 'work' },
      ],
      'a test overlay',
    );
    const root = `/proc/self/fd/${fd}`;
    try {
      // Attached nowhere: no mount namespace lists it.
      expect(mounts()).toBe(before);
      expect(readFileSync(join(root, 'from-lower'), 'utf8')).toBe('lower\n');
      writeFileSync(join(root, 'written'), 'upper\n');
      // A write lands in the upper layer, as in a container's root.
      expect(readFileSync(join(dir, 'upper', 'written'), 'utf8')).toBe('upper\n');
      expect(existsSync(join(dir, 'lower', 'written'))).toBe(false);
    } finally {
      kernel.close(fd);
    }
    expect(existsSync(root)).toBe(false);
    // Read-only: the same layers, no writes.
    const ro = kernel.mountDetached(
      'overlay',
      [
        { key: 'lowerdir', value: join(dir, 'lower'), label: 'lower' },
        { key: 'upperdir', value: join(dir, 'upper'), label: 'upper' },
        { key: 'workdir', value: join(dir, 'work'), label: 'work' },
      ],
      'a read-only test overlay',
      { readOnly: true },
    );
    try {
      expect(readFileSync(`/proc/self/fd/${ro}/written`, 'utf8')).toBe('upper\n');
      expect(() => writeFileSync(`/proc/self/fd/${ro}/more`, 'x')).toThrow(/EROFS/);
    } finally {
      kernel.close(ro);
    }
  });

  it('names the step that the kernel refused', () => {
    expect(() =>
      kernel.mountDetached(
        'overlay',
        [{ key: 'lowerdir', value: join(dir, 'missing'), label: 'set the lower layer of the test overlay' }],
        'a test overlay',
      ),
    ).toThrow(/set the lower layer of the test overlay: ENOENT|create the overlay filesystem of a test overlay: /);
    expect(() => kernel.mountDetached('no-such-fs', [], 'a test mount')).toThrow(
      /open a no-such-fs filesystem for a test mount: ENODEV/,
    );
  });
});
