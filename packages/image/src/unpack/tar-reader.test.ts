import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paxXattrs } from './pax.js';
import { TarReader } from './tar-reader.js';
import { buildTar } from './test-layers.js';

interface Seen {
  header: Record<string, unknown>;
  xattrs: Record<string, string>;
  data: string;
}

/** Every entry as tar-stream's own extract reads it: the reference. */
async function withExtract(tar: Buffer): Promise<Seen[]> {
  const seen: Seen[] = [];
  const ex = extract();
  let global = new Map<string, Buffer>();
  let local: Map<string, Buffer> | undefined;
  // The raw PAX records, as the unpacker had them from tar-stream before.
  const hooked = ex as unknown as { _header: { type: string }; _decodeLongHeader(buf: Uint8Array): void };
  const decode = hooked._decodeLongHeader;
  hooked._decodeLongHeader = function (this: typeof hooked, buf: Uint8Array) {
    if (this._header.type === 'pax-header') local = paxXattrs(buf);
    if (this._header.type === 'pax-global-header') global = paxXattrs(buf);
    decode.call(this, buf);
  };
  ex.on('entry', (header, stream, next) => {
    const xattrs = new Map([...global, ...(local ?? [])]);
    local = undefined;
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.on('end', () => {
      seen.push({ header: { ...header }, xattrs: hexes(xattrs), data: Buffer.concat(parts).toString('hex') });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return seen;
}

/** Every entry as TarReader reads `tar` cut into chunks of `size` bytes. */
function withReader(tar: Buffer, size: number): Seen[] {
  const seen: Seen[] = [];
  const reader = new TarReader((header, xattrs) => {
    const parts: Buffer[] = [];
    return {
      write: (data) => parts.push(Buffer.from(data)),
      end: () =>
        seen.push({ header: { ...header }, xattrs: hexes(xattrs), data: Buffer.concat(parts).toString('hex') }),
    };
  });
  for (let at = 0; at < tar.length; at += size) reader.push(tar.subarray(at, at + size));
  reader.end();
  return seen;
}

function hexes(xattrs: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...xattrs].map(([k, v]) => [k, v.toString('hex')]));
}

let work: string;
const tars = new Map<string, Buffer>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gc-tar-reader-'));
  const src = join(work, 'src');
  const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
  mkdirSync(join(src, 'd'.repeat(120)), { recursive: true });
  writeFileSync(join(src, long), 'long name\n');
  writeFileSync(join(src, 'odd'), Buffer.alloc(1000, 7));
  writeFileSync(join(src, 'block'), Buffer.alloc(512, 1));
  writeFileSync(join(src, 'empty'), '');
  symlinkSync(`${'t'.repeat(130)}/target`, join(src, 'longlink'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const names = format === 'gnu' || format === 'pax' ? ['.'] : ['odd', 'block', 'empty'];
    tars.set(
      format,
      execFileSync('tar', ['-cf', '-', `--format=${format}`, '-C', src, ...names], { maxBuffer: 1 << 26 }),
    );
  }
  tars.set(
    'tar-stream pack',
    await buildTar([
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 },
      { name: 'fifo', type: 'fifo' },
      { name: 'dir/', type: 'directory', mode: 0o755 },
      { name: 'hard', type: 'link', linkname: 'fifo' },
      { name: 'x', data: 'x', pax: { 'SCHILY.xattr.user.a': 'b', mtime: '1.5' } },
      { name: 'bin', data: 'y', rawXattrs: { 'security.capability': new Uint8Array([1, 0, 0xff, 0x0a]) } },
      { name: `${'n'.repeat(200)}/file`, data: Buffer.alloc(3000, 'z') },
    ]),
  );
  // A global PAX header (typeflag g) before entries with and without their own.
  const global = Buffer.from(execFileSync('tar', ['-cf', '-', '--format=pax', '-C', src, 'odd', 'empty']));
  tars.set('pax global', Buffer.concat([globalHeader('SCHILY.xattr.user.g=1\n'), global]));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PAX global header holding `records` (each `KEY=VALUE\n`, lengths prefixed here). */
function globalHeader(records: string): Buffer {
  const body = records
    .split('\n')
    .filter(Boolean)
    .map((r) => {
      let n = r.length + 3;
      while (`${n} ${r}\n`.length !== n) n++;
      return `${n} ${r}\n`;
    })
    .join('');
  const header = Buffer.alloc(512);
  header.write('pax_global_header', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('g', 156);
  header.write('ustar\x0000', 257);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, Buffer.from(body), Buffer.alloc(512 - (body.length % 512))]);
}

describe('TarReader', () => {
  it('reads every entry as tar-stream extract does, however the tar is cut into chunks', async () => {
    for (const [name, tar] of tars) {
      const expected = await withExtract(tar);
      expect(expected.length, name).toBeGreaterThanOrEqual(2);
      for (const size of [1, 7, 100, 511, 512, 513, 1536, 4096, 1 << 20]) {
        expect(withReader(tar, size), `${name} in chunks of ${size}`).toEqual(expected);
      }
    }
  });

  it('has GNU long names and links, PAX records, devices and xattrs in what it hands on', async () => {
    const gnu = withReader(tars.get('gnu') as Buffer, 4096).map((e) => e.header);
    expect(gnu).toContainEqual(expect.objectContaining({ name: `./${'d'.repeat(120)}/${'f'.repeat(150)}` }));
    expect(gnu).toContainEqual(expect.objectContaining({ type: 'symlink', linkname: `${'t'.repeat(130)}/target` }));
    const packed = withReader(tars.get('tar-stream pack') as Buffer, 4096);
    expect(packed[0]?.header).toMatchObject({ type: 'character-device', devmajor: 1, devminor: 3 });
    expect(packed.find((e) => e.header.name === 'x')).toMatchObject({
      header: { pax: expect.objectContaining({ mtime: '1.5' }) },
      xattrs: { 'user.a': Buffer.from('b').toString('hex') },
    });
    expect(packed.find((e) => e.header.name === 'bin')?.xattrs).toEqual({ 'security.capability': '0100ff0a' });
    const global = withReader(tars.get('pax global') as Buffer, 4096);
    for (const e of global) expect(e.xattrs).toMatchObject({ 'user.g': Buffer.from('1').toString('hex') });
  });

  it('refuses a tar that ends inside an entry or a header, and a bad header, saying where', () => {
    const tar = tars.get('ustar') as Buffer;
    for (const cut of [100, 512 + 300, tar.length - 2048 - 10]) {
      expect(() => withReader(tar.subarray(0, cut), 512)).toThrow(
        /^unpack layer: read the tar: unexpected end of data/,
      );
    }
    const bad = Buffer.from(tar);
    bad[3] = (bad[3] as number) ^ 1;
    let error: unknown;
    try {
      withReader(bad, 512);
    } catch (e) {
      error = e;
    }
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_LAYER');
    expect(String(error)).toContain('unpack layer: read the tar: at byte 0: Invalid tar header');
    // A v7 tar (no magic) is refused by tar-stream's decode, and so here.
    const v7 = execFileSync('tar', ['-cf', '-', '--format=v7', '-C', join(work, 'src'), 'odd']);
    expect(() => withReader(v7, 512)).toThrow(
      'unpack layer: read the tar: at byte 0: Invalid tar header: unknown format.',
    );
  });

  it('refuses a PAX header larger than archive/tar reads rather than buffering it', () => {
    const huge = Buffer.from(tars.get('pax global') as Buffer);
    huge.write(`${(2 << 20).toString(8).padStart(11, '0')}\0`, 124);
    huge.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of huge.subarray(0, 512)) sum += b;
    huge.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    expect(() => withReader(huge, 4096)).toThrow(
      "unpack layer: read the tar: at byte 0: a PAX global header of 2097152 bytes, more than the 1048576 a tar may hold (as Docker's)",
    );
  });
});
