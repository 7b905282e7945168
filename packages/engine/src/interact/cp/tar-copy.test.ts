import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '@gc/syscall';
import { afterAll, describe, expect, it } from 'vitest';
import { containerFs, hostFs } from './rooted-fs.js';
import { copyFromTar, copyToTar } from './tar-copy.js';
import { createTarReader } from './tar-reader.js';
import { createTarWriter } from './tar-writer.js';
import type { TreeEntry, TreeSink } from './tree-entry.js';

const kernel = createKernel();
const base = mkdtempSync(join(tmpdir(), 'gc-tar-copy-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A pipe-free fd sink: a temp file we write the tar to, then read back. */
function tarOf(fs: ReturnType<typeof hostFs>, path: string): Buffer {
  const file = join(base, `out-${Math.random().toString(36).slice(2)}.tar`);
  const fd = openSync(file, 'w');
  try {
    copyToTar(fs, path, fd);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file);
}

function entriesOf(tar: Buffer): { entries: TreeEntry[]; data: Map<string, string> } {
  const entries: TreeEntry[] = [];
  const data = new Map<string, string>();
  const sink: TreeSink = {
    put(entry) {
      entries.push(entry);
      if (entry.type !== 'file') return undefined;
      const key = entry.path.join('/');
      data.set(key, '');
      return { write: (c) => data.set(key, (data.get(key) ?? '') + Buffer.from(c).toString()), end: () => undefined };
    },
    finish: () => undefined,
    abort: () => undefined,
  };
  const reader = createTarReader(sink);
  // Odd chunk sizes: headers and data split across pushes.
  for (let i = 0; i < tar.length; i += 333) reader.push(tar.subarray(i, i + 333));
  reader.end();
  return { entries, data };
}

describe('tar streams of cp', () => {
  const src = join(base, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'alpha\n', { mode: 0o640 });
  const long = `${'n'.repeat(120)}.txt`;
  writeFileSync(join(src, 'sub', long), 'a long name\n');
  symlinkSync('/etc/shadow', join(src, 'sub', 'link'));
  utimesSync(join(src, 'a.txt'), 1_600_000_000, 1_600_000_000);

  it('writes a tree as tar (long names by PAX) that the reader reads back entry by entry', () => {
    const { entries, data } = entriesOf(tarOf(hostFs(kernel), src));
    const names = entries.map((e) => `${e.type}:${e.path.join('/')}`);
    expect(names).toEqual(['dir:src', 'file:src/a.txt', 'dir:src/sub', 'symlink:src/sub/link', `file:src/sub/${long}`]);
    expect(data.get('src/a.txt')).toBe('alpha\n');
    expect(data.get(`src/sub/${long}`)).toBe('a long name\n');
    const a = entries.find((e) => e.path.join('/') === 'src/a.txt');
    expect(a?.mode).toBe(0o640);
    expect(a?.mtime.sec).toBe(1_600_000_000);
    expect(entries.find((e) => e.type === 'symlink')?.linkTarget).toBe('/etc/shadow');
  });

  it('extracts a tar into a directory resolved inside a root, links as links', () => {
    const tar = tarOf(hostFs(kernel), src);
    const tarFile = join(base, 'in.tar');
    writeFileSync(tarFile, tar);
    const root = join(base, 'root');
    mkdirSync(join(root, 'dest'), { recursive: true });
    const fd = openSync(tarFile, 'r');
    const fs = containerFs(kernel, root, 'c');
    try {
      copyFromTar(fd, fs, '/dest');
    } finally {
      closeSync(fd);
      fs.close();
    }
    expect(readFileSync(join(root, 'dest/src/a.txt'), 'utf8')).toBe('alpha\n');
    expect(statSync(join(root, 'dest/src/a.txt')).mode & 0o777).toBe(0o640);
    expect(statSync(join(root, 'dest/src/a.txt')).mtimeMs).toBe(1_600_000_000_000);
    expect(readlinkSync(join(root, 'dest/src/sub/link'))).toBe('/etc/shadow');
    expect(readFileSync(join(root, `dest/src/sub/${long}`), 'utf8')).toBe('a long name\n');
  });

  it('refuses a tar entry that climbs above the destination, and a file as the extraction point', () => {
    const evil: TreeSink = { put: () => undefined, finish: () => undefined, abort: () => undefined };
    const header = Buffer.alloc(512);
    header.write('../../etc/passwd', 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write('00000000000\0', 124);
    header.write('00000000000\0', 136);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    expect(() => createTarReader(evil).push(header)).toThrow(/climbs above the destination/);

    const root = join(base, 'root2');
    mkdirSync(root);
    writeFileSync(join(root, 'file'), '');
    const fs = containerFs(kernel, root, 'c');
    try {
      expect(() => copyFromTar(0, fs, '/file')).toThrow(/extraction point is not a directory/);
    } finally {
      fs.close();
    }
  });

  it('refuses a tar that makes a symlink and then writes through it', () => {
    const root = join(base, 'root3');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'dest'), { recursive: true });
    mkdirSync(outside);
    const time = { sec: 0, nsec: 0 };
    const fs = containerFs(kernel, root, 'c');
    const tarFile = join(base, 'evil.tar');
    const fd = openSync(tarFile, 'w');
    const writer = createTarWriter(fd, '');
    writer.put({
      path: ['x'],
      type: 'symlink',
      linkTarget: outside,
      mode: 0o777,
      uid: 0,
      gid: 0,
      mtime: time,
      atime: time,
    });
    const data = writer.put({
      path: ['x', 'planted'],
      type: 'file',
      size: 2,
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: time,
      atime: time,
    });
    data?.write(Buffer.from('hi'));
    data?.end();
    writer.finish();
    closeSync(fd);
    const input = openSync(tarFile, 'r');
    try {
      expect(() => copyFromTar(input, fs, '/dest')).toThrow(
        /cp: cannot overwrite non-directory c:\/dest\/x: with a directory/,
      );
    } finally {
      closeSync(input);
      fs.close();
    }
    expect(existsSync(join(outside, 'planted'))).toBe(false);
    expect(readlinkSync(join(root, 'dest/x'))).toBe(outside);
  });

  it('refuses a stream that is not tar', () => {
    const block = Buffer.alloc(512, 0x41);
    expect(() =>
      createTarReader({ put: () => undefined, finish: () => undefined, abort: () => undefined }).push(block),
    ).toThrow(/not|checksum/);
  });
});
