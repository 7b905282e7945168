import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayerFile } from './layer-file.js';

// Three layers as unpacked for overlayfs, compared with what a real overlay of them shows.
describe.skipIf(!canRunIntegration())('readLayerFile (integration, root)', { timeout: 60_000 }, () => {
  let work: string;
  let layers: string[];
  let merged: string;
  const kernel = createKernel();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gc-layer-file-'));
    const [bottom, middle, top] = ['bottom', 'middle', 'top'].map((name) => {
      const dir = join(work, name);
      mkdirSync(dir);
      return dir;
    }) as [string, string, string];
    layers = [top, middle, bottom];
    const put = (layer: string, path: string, text: string) => {
      mkdirSync(join(layer, path, '..'), { recursive: true });
      writeFileSync(join(layer, path), text);
    };
    put(bottom, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
    put(bottom, 'etc/group', 'root:x:0:\n');
    put(bottom, 'etc/hostname', 'bottom\n');
    put(bottom, 'opaque/old', 'old\n');
    put(bottom, 'gone/inside', 'inside\n');
    put(bottom, 'real/file', 'through a link\n');
    put(bottom, 'shadowed', 'a file under a directory of an upper layer\n');
    // middle: replaces passwd, deletes group, makes /opaque opaque, links /alias -> /real.
    put(middle, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
    execFileSync('mknod', [join(middle, 'etc/group'), 'c', '0', '0']);
    put(middle, 'opaque/new', 'new\n');
    kernel.setxattr(join(middle, 'opaque'), 'trusted.overlay.opaque', 'y');
    execFileSync('mknod', [join(middle, 'gone'), 'c', '0', '0']);
    symlinkSync('/real', join(middle, 'alias'));
    symlinkSync('../../../../real/file', join(middle, 'escape'));
    symlinkSync('loop', join(middle, 'loop'));
    mkdirSync(join(middle, 'shadowed'));
    // top: a relative link through a directory of a lower layer.
    mkdirSync(join(top, 'etc'));
    symlinkSync('../etc/hostname', join(top, 'etc/name'));

    merged = join(work, 'merged');
    mkdirSync(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${layers.join(':')}`, merged]);
  });

  afterAll(() => {
    execFileSync('umount', [merged]);
    rmSync(work, { recursive: true, force: true });
  });

  /** What the kernel's overlay shows at `path`, or undefined. */
  const throughOverlay = (path: string) => {
    try {
      return readFileSync(join(merged, path));
    } catch {
      return undefined;
    }
  };

  it.each([
    '/etc/passwd',
    '/etc/hostname',
    '/etc/name',
    '/etc/group',
    '/opaque/new',
    '/opaque/old',
    '/gone/inside',
    '/missing',
    '/etc/passwd/below',
    // (Not the absolute links: on the host, the overlay's /alias points at the host's /real.)
  ])('reads %s as the overlay shows it', (path) => {
    const expected = throughOverlay(path);
    expect(readLayerFile(layers, path)?.toString()).toBe(expected?.toString());
  });

  it('finds the top-most copy, and nothing a whiteout or an opaque directory hides', () => {
    expect(readLayerFile(layers, '/etc/passwd')?.toString()).toContain('app:x:1000');
    expect(readLayerFile(layers, '/etc/group')).toBeUndefined();
    expect(readLayerFile(layers, '/opaque/old')).toBeUndefined();
    expect(readLayerFile(layers, '/gone/inside')).toBeUndefined();
  });

  it("keeps a symlink's `..` and absolute target inside the image", () => {
    // ../../../../real/file from /escape stops at the image's root: /real/file of the image.
    expect(readLayerFile(layers, '/escape')?.toString()).toBe('through a link\n');
    expect(readLayerFile(layers, '/alias/file')?.toString()).toBe('through a link\n');
  });

  it('names the path and the reason for a loop, a directory, or a relative path', () => {
    expect(() => readLayerFile(layers, '/loop')).toThrow("read /loop in the image's layers: ELOOP");
    expect(() => readLayerFile(layers, '/shadowed')).toThrow("read /shadowed in the image's layers: EISDIR");
    expect(() => readLayerFile(layers, 'etc/passwd')).toThrow('expected an absolute path');
  });
  it("reads through a layer whose root carries the opaque xattr, as the overlay does (it ignores a layer root's)", () => {
    const [lower, upper, both] = ['root-lower', 'root-upper', 'root-merged'].map((name) => {
      const dir = join(work, name);
      mkdirSync(dir);
      return dir;
    }) as [string, string, string];
    writeFileSync(join(lower, 'passwd'), 'root:x:0:0::/:/bin/sh\n');
    writeFileSync(join(upper, 'top'), 'top\n');
    // As a layer holding `./.wh..wh..opq` (or one written through a symlink to /) is unpacked.
    kernel.setxattr(upper, 'trusted.overlay.opaque', 'y');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${upper}:${lower}`, both]);
    let shown: string;
    try {
      shown = readFileSync(join(both, 'passwd'), 'utf8');
    } finally {
      execFileSync('umount', [both]);
    }
    expect(shown).toBe('root:x:0:0::/:/bin/sh\n');
    expect(readLayerFile([upper, lower], '/passwd')?.toString()).toBe(shown);
  });
});
