import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, GcError, SyscallError } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Compression } from '../media-types.js';
import { buildTar, gzip, streamOf, type TarEntry, zstd } from './test-layers.js';
import { type UnpackLayerOptions, unpackLayer } from './unpack-layer.js';

const kernel = createKernel();
let work: string;
let dir: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'gc-unpack-'));
  dir = join(work, 'layer');
  mkdirSync(dir);
});
afterEach(() => {
  execFileSync('sh', ['-c', `umount ${work}/merged 2>/dev/null; true`]);
  rmSync(work, { recursive: true, force: true });
});

function unpack(data: Buffer, compression: Compression = 'none', options: UnpackLayerOptions = {}, into = dir) {
  return unpackLayer(kernel, streamOf(data), compression, into, options);
}

async function unpackEntries(entries: TarEntry[], options: UnpackLayerOptions = {}) {
  return unpack(await buildTar(entries), 'none', options);
}

/** An xattr as hex, not following a symlink (python's os.getxattr; Node has no xattr calls). */
function xattr(path: string, name: string): string | undefined {
  const script =
    'import os,sys\ntry: print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())\nexcept OSError: print("-")';
  const out = execFileSync('python3', ['-c', script, path, name]).toString().trim();
  return out === '-' ? undefined : out;
}

const hex = (s: string) => Buffer.from(s).toString('hex');

/** Every name below `root`, with its type, mode, owner, size, mtime and content: what "unchanged" is checked against. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const content = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : '';
      out.push(`${p} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${content}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

function sha256sum(data: Buffer): string {
  return execFileSync('sha256sum', { input: data }).toString().split(' ')[0] as string;
}

const MTIME = new Date(1_500_000_000_000);

describe.skipIf(!canRunIntegration())('unpackLayer (integration, root)', { timeout: 60_000 }, () => {
  it('makes files, directories, symlinks, hard links, fifos and devices with their owners, modes, times and xattrs', async () => {
    const tar = await buildTar([
      { name: 'etc/', type: 'directory', mode: 0o755, mtime: MTIME },
      { name: 'etc/hostname', data: 'box\n', mode: 0o644, uid: 1000, gid: 1001, mtime: MTIME },
      { name: 'bin/', type: 'directory', mode: 0o755 },
      { name: 'bin/su', data: '#!/bin/sh\n', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin/sgid', data: 'x', mode: 0o2711, uid: 1000, gid: 50 },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', uid: 1000, gid: 1000, mtime: MTIME },
      { name: 'bin/busybox', data: 'busybox', mode: 0o755 },
      { name: 'bin/ls', type: 'link', linkname: 'bin/busybox' },
      { name: 'tmp/', type: 'directory', mode: 0o1777, mtime: MTIME },
      { name: 'run/fifo', type: 'fifo', mode: 0o600, uid: 1000, gid: 1000 },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
      { name: 'etc/text', data: 'x', pax: { 'SCHILY.xattr.user.comment': 'hello', mtime: '1500000000.123456789' } },
      { name: 'etc/binary', data: 'x', rawXattrs: { 'user.bin': new Uint8Array([0xff, 0x00, 0x80, 0x0a]) } },
      { name: 'etc/link', type: 'symlink', linkname: 'hostname', rawXattrs: { 'trusted.sym': Buffer.from('on-link') } },
      { name: 'empty', data: '' },
    ]);
    const result = await unpack(tar);
    expect(result).toEqual({ diffId: `sha256:${sha256sum(tar)}`, size: tar.length });

    const st = (p: string) => lstatSync(join(dir, p));
    expect(readFileSync(join(dir, 'etc/hostname'), 'utf8')).toBe('box\n');
    expect(st('etc/hostname')).toMatchObject({ uid: 1000, gid: 1001, mode: 0o100644, mtimeMs: MTIME.getTime() });
    expect(st('etc').mtimeMs).toBe(MTIME.getTime()); // set after its files were written
    expect(st('bin/su').mode).toBe(0o104755); // setuid kept (set after the chown)
    expect(st('bin/sgid')).toMatchObject({ mode: 0o102711, uid: 1000, gid: 50 });
    expect(st('tmp')).toMatchObject({ mode: 0o41777, mtimeMs: MTIME.getTime() });
    expect(readlinkSync(join(dir, 'bin/sh'))).toBe('/bin/busybox');
    expect(st('bin/sh')).toMatchObject({ uid: 1000, gid: 1000, mtimeMs: MTIME.getTime() });
    expect(st('bin/ls').ino).toBe(st('bin/busybox').ino);
    expect(st('bin/busybox').nlink).toBe(2);
    expect(st('run/fifo').isFIFO()).toBe(true);
    expect(st('run/fifo')).toMatchObject({ mode: 0o10600, uid: 1000 });
    expect(st('dev/null').isCharacterDevice()).toBe(true);
    expect(st('dev/null')).toMatchObject({ rdev: (1 << 8) | 3, mode: 0o20666 });
    expect(st('dev/loop0').isBlockDevice()).toBe(true);
    expect(st('dev/loop0')).toMatchObject({ rdev: 7 << 8, gid: 6 });
    expect(statSync(join(dir, 'etc/text'), { bigint: true }).mtimeNs).toBe(1_500_000_000_123_456_789n);
    expect(xattr(join(dir, 'etc/text'), 'user.comment')).toBe(hex('hello'));
    expect(xattr(join(dir, 'etc/binary'), 'user.bin')).toBe('ff00800a');
    expect(xattr(join(dir, 'etc/link'), 'trusted.sym')).toBe(hex('on-link'));
    expect(xattr(join(dir, 'etc/hostname'), 'trusted.sym')).toBeUndefined(); // on the link, not its target
    expect(st('empty').size).toBe(0);
    // Parents the tar did not list are made as tar makes them.
    expect(st('run')).toMatchObject({ mode: 0o40755, uid: 0 });
  });

  it('replaces an earlier entry of the same name as tar does, keeping a directory for a directory', async () => {
    await unpackEntries([
      { name: 'a', data: 'first' },
      { name: 'a', data: 'second' },
      { name: 'd/', type: 'directory', mode: 0o755 },
      { name: 'd/kept', data: 'k' },
      { name: 'd/', type: 'directory', mode: 0o700 },
      { name: 'full/x/y', data: 'y' },
      { name: 'full', data: 'now a file' },
      { name: 'l', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'l', data: 'not through the link' },
    ]);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('second');
    expect(readFileSync(join(dir, 'd/kept'), 'utf8')).toBe('k');
    expect(lstatSync(join(dir, 'd')).mode).toBe(0o40700);
    expect(readFileSync(join(dir, 'full'), 'utf8')).toBe('now a file');
    expect(lstatSync(join(dir, 'l')).isFile()).toBe(true);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toBe('not through the link');
  });

  it('sets the modes and owners the tar says where making the entry alone would not (umask, setgid directories)', async () => {
    const umask = process.umask(0o077);
    try {
      await unpackEntries([
        { name: 'open', data: 'x', mode: 0o777 },
        { name: 'opendir/', type: 'directory', mode: 0o777 },
        { name: 'fifo', type: 'fifo', mode: 0o666 },
        { name: 'plain', data: 'x', mode: 0o600 },
        { name: 'sg/', type: 'directory', mode: 0o2775, gid: 50 },
        { name: 'sg/root-file', data: 'x', mode: 0o600 },
        { name: 'sg/sub/', type: 'directory', mode: 0o700 },
      ]);
    } finally {
      process.umask(umask);
    }
    const st = (p: string) => lstatSync(join(dir, p));
    expect(st('open').mode).toBe(0o100777);
    expect(st('opendir').mode).toBe(0o40777);
    expect(st('fifo').mode).toBe(0o10666);
    expect(st('plain')).toMatchObject({ mode: 0o100600, uid: 0, gid: 0 });
    expect(st('sg')).toMatchObject({ mode: 0o42775, gid: 50 });
    // Made in a setgid directory they would take its group (and a directory its setgid bit): the tar says 0/0.
    expect(st('sg/root-file')).toMatchObject({ mode: 0o100600, uid: 0, gid: 0 });
    expect(st('sg/sub')).toMatchObject({ mode: 0o40700, uid: 0, gid: 0 });

    // A layer directory that is setgid itself.
    const other = join(work, 'setgid-root');
    mkdirSync(other);
    execFileSync('chown', ['0:50', other]);
    execFileSync('chmod', ['2755', other]);
    await unpack(
      await buildTar([
        { name: 'f', data: 'x', mode: 0o644 },
        { name: 'd/', type: 'directory' },
      ]),
      'none',
      {},
      other,
    );
    expect(lstatSync(join(other, 'f'))).toMatchObject({ uid: 0, gid: 0, mode: 0o100644 });
    expect(lstatSync(join(other, 'd'))).toMatchObject({ uid: 0, gid: 0, mode: 0o40755 });
  });

  it('writes whiteouts as overlayfs reads them: a deleted file is gone and an opaque directory hides the lower one', async () => {
    const lower = join(work, 'lower');
    mkdirSync(join(lower, 'a'), { recursive: true });
    mkdirSync(join(lower, 'opq'));
    writeFileSync(join(lower, 'a/keep'), 'keep');
    writeFileSync(join(lower, 'a/gone'), 'gone');
    writeFileSync(join(lower, 'opq/hidden'), 'hidden');
    writeFileSync(join(lower, 'top-gone'), 'gone');
    await unpackEntries([
      { name: 'a/', type: 'directory', mode: 0o755 },
      { name: 'a/.wh.gone', data: '' },
      { name: '.wh.top-gone', data: '' },
      { name: 'opq/', type: 'directory', mode: 0o755 },
      { name: 'opq/.wh..wh..opq', data: '' },
      { name: 'opq/new', data: 'new' },
      { name: '.wh..wh.plnk/', type: 'directory' },
      { name: '.wh..wh.aufs', data: '' },
    ]);
    // In the layer: 0/0 character devices and the xattr, never a .wh. name.
    const gone = lstatSync(join(dir, 'a/gone'));
    expect(gone.isCharacterDevice()).toBe(true);
    expect(gone.rdev).toBe(0);
    expect(lstatSync(join(dir, 'top-gone')).isCharacterDevice()).toBe(true);
    expect(xattr(join(dir, 'opq'), 'trusted.overlay.opaque')).toBe(hex('y'));
    expect(execFileSync('find', [dir, '-name', '.wh.*']).toString()).toBe('');

    const merged = join(work, 'merged');
    mkdirSync(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}:${lower}`, merged]);
    try {
      expect(readdirSync(join(merged, 'a'))).toEqual(['keep']);
      expect(existsSync(join(merged, 'top-gone'))).toBe(false);
      expect(readdirSync(join(merged, 'opq'))).toEqual(['new']);
    } finally {
      execFileSync('umount', [merged]);
    }
  });

  it('marks opaque directories with user.overlay.opaque for a rootless overlay, and refuses devices when told', async () => {
    await unpackEntries([{ name: 'opq/.wh..wh..opq', data: '' }], { rootless: true });
    expect(xattr(join(dir, 'opq'), 'user.overlay.opaque')).toBe(hex('y'));
    expect(xattr(join(dir, 'opq'), 'trusted.overlay.opaque')).toBeUndefined();

    const tar = await buildTar([
      { name: 'dev/fifo', type: 'fifo' },
      { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 },
    ]);
    const error = await unpack(tar, 'none', { devices: false }, dir).catch((e: unknown) => e);
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_LAYER');
    expect(String(error)).toContain('entry "dev/sda": a block device (8:0), refused (devices: false)');
    expect(existsSync(join(dir, 'dev/sda'))).toBe(false);
  });

  it('drops overlay xattrs a layer carries itself (only whiteouts make them)', async () => {
    await unpackEntries([
      { name: 'd/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/etc' } },
      { name: 'd/f', data: 'x', pax: { 'SCHILY.xattr.trusted.overlay.metacopy': '', 'SCHILY.xattr.user.ok': '1' } },
    ]);
    expect(xattr(join(dir, 'd'), 'trusted.overlay.redirect')).toBeUndefined();
    expect(xattr(join(dir, 'd/f'), 'trusted.overlay.metacopy')).toBeUndefined();
    expect(xattr(join(dir, 'd/f'), 'user.ok')).toBe(hex('1'));
  });

  describe('compression', () => {
    const entries: TarEntry[] = [
      { name: 'big', data: Buffer.alloc(3 << 20, 'abc') },
      { name: 'small', data: 'small' },
    ];

    it.each([
      ['gzip', 'gzip', {}],
      ['zstd (the zstd binary)', 'zstd', { zstd: '/usr/bin/zstd' }],
      ['zstd (fzstd)', 'zstd', { zstd: false }],
    ] as const)('unpacks %s layers, with the diffId of the uncompressed tar', async (_name, compression, options) => {
      const tar = await buildTar(entries);
      const data = compression === 'gzip' ? gzip(tar) : zstd(tar);
      let read = 0;
      const result = await unpack(data, compression, { ...options, onRead: (n) => (read = n) });
      expect(result).toEqual({ diffId: `sha256:${sha256sum(tar)}`, size: tar.length });
      expect(read).toBe(data.length);
      expect(readFileSync(join(dir, 'big')).equals(Buffer.alloc(3 << 20, 'abc'))).toBe(true);
    });

    it('goes by the bytes, not the declared type: gzip declared as none, a tar declared as gzip', async () => {
      const tar = await buildTar(entries);
      expect((await unpack(gzip(tar), 'none')).diffId).toBe(`sha256:${sha256sum(tar)}`);
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      expect((await unpack(tar, 'gzip')).diffId).toBe(`sha256:${sha256sum(tar)}`);
    });

    it.each([
      ['gzip', 'gzip', {}],
      ['zstd (the zstd binary)', 'zstd', { zstd: '/usr/bin/zstd' }],
      ['zstd (fzstd)', 'zstd', { zstd: false }],
    ] as const)('refuses a corrupt %s layer with EIMAGE_LAYER', async (_name, compression, options) => {
      const tar = await buildTar(entries);
      const data = compression === 'gzip' ? gzip(tar) : zstd(tar);
      const bad = Buffer.concat([data.subarray(0, 64), Buffer.alloc(4096, 0x55), data.subarray(64 + 4096)]);
      const error = await unpack(bad, compression, options).catch((e: unknown) => e);
      expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_LAYER');
      expect(String(error)).toMatch(/^GcError: unpack layer: /);
      // From its file too (the zstd binary then reads the file itself).
      const file = join(work, 'bad');
      writeFileSync(file, bad);
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      const fromFile = await unpackLayer(kernel, file, compression, dir, options).catch((e: unknown) => e);
      expect(GcError.isInstance(fromFile) && fromFile.code).toBe('EIMAGE_LAYER');
      expect(String(fromFile)).toMatch(/^GcError: unpack layer: /);
    });

    it('refuses a truncated tar', async () => {
      const tar = await buildTar(entries);
      const error = await unpack(tar.subarray(0, 1 << 20)).catch((e: unknown) => e);
      expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_LAYER');
      const file = join(work, 'short.tar');
      writeFileSync(file, tar.subarray(0, (1 << 20) + 100));
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      const fromFile = await unpackLayer(kernel, file, 'none', dir).catch((e: unknown) => e);
      expect(String(fromFile)).toMatch(/^GcError: unpack layer: read the tar: unexpected end of data/);
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      // Cut inside the large file whose rest is copied in the kernel.
      const verifiedDigest = `sha256:${'2'.repeat(64)}` as const;
      const copied = await unpackLayer(kernel, file, 'none', dir, { verifiedDigest }).catch((e: unknown) => e);
      expect(String(copied)).toMatch(/^GcError: unpack layer: read the tar: unexpected end of data/);
    });

    it('unpacks from a file path what it unpacks from a stream, plain, gzip and zstd, reporting the bytes read', async () => {
      // Files larger than a read, and many small ones: entries cut across reads.
      const many: TarEntry[] = [
        ...['a/', ...Array.from({ length: 7 }, (_, i) => `a/d${i}/`), 'b/'].map(
          (name) => ({ name, type: 'directory', mtime: MTIME }) as const,
        ),
        { name: 'a/big', data: Buffer.alloc((9 << 20) + 7, 'xyz') },
        ...Array.from({ length: 300 }, (_, i) => ({ name: `a/d${i % 7}/f${i}`, data: `file ${i}\n`.repeat(i) })),
        { name: 'b/big', data: Buffer.alloc(5 << 20, 'q') },
      ];
      const tar = await buildTar(many);
      for (const [compression, data] of [
        ['none', tar],
        ['gzip', gzip(tar)],
        ['zstd', zstd(tar)],
      ] as const) {
        const file = join(work, `layer.${compression}`);
        writeFileSync(file, data);
        const streamed = join(work, `streamed-${compression}`);
        const read = join(work, `read-${compression}`);
        mkdirSync(streamed);
        mkdirSync(read);
        let bytes = 0;
        const a = await unpack(data, compression, {}, streamed);
        const b = await unpackLayer(kernel, file, compression, read, { onRead: (n) => (bytes = n) });
        expect(b).toEqual({ diffId: `sha256:${sha256sum(tar)}`, size: tar.length });
        expect(a).toEqual(b);
        expect(bytes).toBe(data.length);
        expect(listing(read).map((l) => l.slice(read.length))).toEqual(
          listing(streamed).map((l) => l.slice(streamed.length)),
        );
        if (compression !== 'none') continue;
        // Verified (nothing to hash), a large file's data is copied from the tar's file in the kernel.
        const copied = join(work, 'copied');
        mkdirSync(copied);
        const verifiedDigest = `sha256:${sha256sum(tar)}` as const;
        bytes = 0;
        const c = await unpackLayer(kernel, file, 'none', copied, { verifiedDigest, onRead: (n) => (bytes = n) });
        expect(c).toEqual(b);
        expect(bytes).toBe(tar.length);
        expect(listing(copied).map((l) => l.slice(copied.length))).toEqual(
          listing(streamed).map((l) => l.slice(streamed.length)),
        );
      }
    });

    it('takes a verified digest as the diff ID of a plain tar only, hashing a compressed one', async () => {
      const tar = await buildTar(entries);
      const verifiedDigest = `sha256:${sha256sum(tar)}` as const;
      const file = join(work, 'layer.tar');
      writeFileSync(file, tar);
      // The caller vouches for these bytes: nothing to hash again.
      const told = `sha256:${'1'.repeat(64)}` as const;
      expect((await unpackLayer(kernel, file, 'none', dir, { verifiedDigest: told })).diffId).toBe(told);
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      expect((await unpack(tar, 'none', { verifiedDigest: told })).diffId).toBe(told);
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      // A gzip'd layer's digest is not its tar's: the tar is hashed.
      const result = await unpack(gzip(tar), 'gzip', { verifiedDigest: told });
      expect(result.diffId).toBe(verifiedDigest);
    });
  });

  describe('malicious layers', () => {
    let sentinel: string;
    let before: string[];

    beforeEach(() => {
      sentinel = join(work, 'sentinel');
      mkdirSync(join(sentinel, 'etc'), { recursive: true });
      writeFileSync(join(sentinel, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
      before = listing(sentinel);
    });
    afterEach(() => {
      expect(listing(sentinel)).toEqual(before);
    });

    async function refused(entries: TarEntry[], message: string | RegExp) {
      const error = await unpackEntries(entries).catch((e: unknown) => e);
      expect(GcError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(message);
    }

    it('refuses a name that climbs out with ..', async () => {
      await refused(
        [{ name: '../sentinel/pwned', data: 'x' }],
        'unpack layer: entry "../sentinel/pwned": the name leads outside the layer',
      );
      await refused([{ name: 'a/../../sentinel/pwned', data: 'x' }], /leads outside the layer/);
    });

    it('confines absolute names to the layer', async () => {
      await unpackEntries([
        { name: `${sentinel}/pwned`, data: 'x' },
        { name: '/../etc/x', data: 'x' },
      ]);
      expect(readFileSync(join(dir, sentinel, 'pwned'), 'utf8')).toBe('x');
      expect(existsSync(join(dir, 'etc/x'))).toBe(true);
    });

    it('confines entries written through a symlink to / or to ../..', async () => {
      await unpackEntries([
        { name: 'root', type: 'symlink', linkname: '/' },
        { name: 'root/etc/pwned', data: 'x' },
        { name: 'up', type: 'symlink', linkname: '../..' },
        { name: 'up/sentinel/pwned', data: 'x' },
      ]);
      expect(readFileSync(join(dir, 'etc/pwned'), 'utf8')).toBe('x');
      expect(readFileSync(join(dir, 'sentinel/pwned'), 'utf8')).toBe('x');
    });

    it('confines a chain of symlinks, and refuses one that leads to nothing in the layer', async () => {
      await unpackEntries([
        { name: 'a', type: 'symlink', linkname: 'b' },
        { name: 'b', type: 'symlink', linkname: 'c/../../..' },
        { name: 'c/', type: 'directory' },
        { name: 'a/pwned', data: 'x' },
      ]);
      expect(readFileSync(join(dir, 'pwned'), 'utf8')).toBe('x');
      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      await refused(
        [
          { name: 'host', type: 'symlink', linkname: sentinel },
          { name: 'host/pwned', data: 'x' },
        ],
        'unpack layer: openat2 "host" in layer (entry "host/pwned"): ENOENT',
      );
    });

    it('refuses a hard link to a host file or to anything not of this layer', async () => {
      await refused(
        [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }],
        'entry "passwd": a hard link to "etc/passwd", which is not a file of this layer',
      );
      await refused([{ name: 'p', type: 'link', linkname: `${sentinel}/etc/passwd` }], /not a file of this layer/);
      await refused([{ name: 'p', type: 'link', linkname: '../sentinel/etc/passwd' }], /which is outside the layer/);
      // Through a symlink of the layer: the name is not one of its files either.
      await refused(
        [
          { name: 's', type: 'symlink', linkname: sentinel },
          { name: 'p', type: 'link', linkname: 's/etc/passwd' },
        ],
        /not a file of this layer/,
      );
      expect(statSync(join(sentinel, 'etc/passwd')).nlink).toBe(1);
    });

    it('replaces a symlink to a host file rather than writing through it', async () => {
      await unpackEntries([
        { name: 'f', type: 'symlink', linkname: join(sentinel, 'etc/passwd') },
        { name: 'f', data: 'pwned' },
        { name: 'h', type: 'symlink', linkname: join(sentinel, 'etc/passwd') },
        { name: 'h', type: 'character-device', devmajor: 1, devminor: 3 },
      ]);
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('pwned');
      expect(lstatSync(join(dir, 'h')).isCharacterDevice()).toBe(true);
    });

    it('names the step and the entry when the kernel refuses', async () => {
      const error = await unpackEntries([
        { name: 'f', data: 'a file' },
        { name: 'f/x', data: 'x' },
      ]).catch((e: unknown) => e);
      expect(SyscallError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        'unpack layer: openat2 "f" in layer (entry "f/x"): ENOTDIR (Not a directory)',
      );
    });
  });

  it('refuses bad arguments by name, leaving nothing behind', async () => {
    await expect(unpack(Buffer.alloc(0), 'lz4' as Compression)).rejects.toThrow(
      'unpackLayer: compression: "lz4" is not one of none, gzip, zstd',
    );
    await expect(unpack(Buffer.alloc(0), 'none', {}, 'relative')).rejects.toThrow(
      'unpackLayer: dir: "relative" is not an absolute path',
    );
    const missing = join(work, 'missing.tar');
    const error = await unpackLayer(kernel, missing, 'none', dir).catch((e: unknown) => e);
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_OPTION');
    expect((error as Error).message).toMatch(`unpackLayer: input: cannot open "${missing}": ENOENT`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
