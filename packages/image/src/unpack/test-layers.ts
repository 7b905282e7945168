// Helpers of the unpack tests (the package does not export them): tars built
// with tar-stream's pack, compressed as registries serve them.
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { type Headers, pack } from 'tar-stream';

export interface TarEntry extends Partial<Headers> {
  name: string;
  /** A regular file's content. */
  data?: string | Uint8Array;
  /** PAX records (text values). */
  pax?: Record<string, string>;
  /** xattrs written as raw-byte `SCHILY.xattr.` PAX records (binary values, which tar-stream's pack cannot write). */
  rawXattrs?: Record<string, Uint8Array>;
}

/** One PAX record: `LENGTH KEY=VALUE\n`, LENGTH counting itself. */
function paxRecord(key: string, value: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length += 1;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

/** A PAX extended header (typeflag `x`) holding `records`, as its 512-byte header and padded body. */
function paxHeader(records: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, at: number, width: number) =>
    header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, 'latin1');
  header.write('PaxHeaders/entry', 0, 'latin1');
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(records.length, 124, 12);
  octal(0, 136, 12);
  header.write('x', 156, 'latin1');
  header.write('ustar\x0000', 257, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const padding = Buffer.alloc((512 - (records.length % 512)) % 512);
  return Buffer.concat([header, records, padding]);
}

export async function buildTar(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => p.on('end', resolve));
  for (const { data, rawXattrs, ...header } of entries) {
    if (rawXattrs) {
      const records = Buffer.concat(
        Object.entries(rawXattrs).map(([name, value]) => paxRecord(`SCHILY.xattr.${name}`, value)),
      );
      // Straight into the output, between two entries of the pack.
      await new Promise<void>((resolve) => setImmediate(resolve));
      chunks.push(paxHeader(records));
    }
    const type = header.type ?? 'file';
    const content = data === undefined ? undefined : Buffer.from(data);
    p.entry({ mtime: new Date(1_600_000_000_000), ...header, type, size: content?.length ?? 0 }, content);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function gzip(tar: Buffer): Buffer {
  return gzipSync(tar);
}

export function zstd(tar: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 });
}

/** A readable stream of `data`, in chunks of `size` bytes (so entries span chunks). */
export function streamOf(data: Buffer, size = 4096): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size));
  return Readable.from(parts, { objectMode: false });
}
