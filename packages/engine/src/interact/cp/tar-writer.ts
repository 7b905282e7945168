import { writeSync } from 'node:fs';
import type { DataSink, TreeEntry, TreeSink } from './tree-entry.js';

const BLOCK = 512;
const TYPE_FLAG: Record<TreeEntry['type'], string> = {
  file: '0',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

function octal(header: Buffer, offset: number, length: number, value: number): boolean {
  const text = Math.max(0, Math.floor(value)).toString(8);
  if (text.length > length - 1) return false;
  header.write(`${text.padStart(length - 1, '0')}\0`, offset, length, 'latin1');
  return true;
}

/** One PAX record: `LEN key=value\n`, LEN counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

function header(
  name: string,
  entry: Pick<TreeEntry, 'mode' | 'uid' | 'gid' | 'mtime'>,
  type: string,
  size: number,
  link = '',
  dev?: { major: number; minor: number },
): { block: Buffer; pax: string[] } {
  const block = Buffer.alloc(BLOCK);
  const pax: string[] = [];
  if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name));
  else block.write(name, 0, 100, 'utf8');
  block.write('0000000\0', 100, 8, 'latin1');
  octal(block, 100, 8, entry.mode & 0o7777);
  if (!octal(block, 108, 8, entry.uid)) pax.push(paxRecord('uid', String(entry.uid)));
  if (!octal(block, 116, 8, entry.gid)) pax.push(paxRecord('gid', String(entry.gid)));
  if (!octal(block, 124, 12, size)) pax.push(paxRecord('size', String(size)));
  octal(block, 136, 12, entry.mtime.sec);
  block.write(type, 156, 1, 'latin1');
  if (Buffer.byteLength(link) > 100) pax.push(paxRecord('linkpath', link));
  else block.write(link, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'latin1');
  block.write('00', 263, 2, 'latin1');
  if (dev) {
    octal(block, 329, 8, dev.major);
    octal(block, 337, 8, dev.minor);
  }
  return { block, pax };
}

function sealed(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/**
 * A TreeSink writing a tar stream (ustar, with PAX records for long names
 * and large numbers) to `fd`, as `docker cp CONTAINER:SRC -` does: entries
 * named from `rootName` (the source's own name), directories ending in `/`.
 */
export function createTarWriter(fd: number, rootName: string): TreeSink {
  const put = (entry: TreeEntry): DataSink | undefined => {
    const parts = [rootName, ...entry.path].filter((p) => p !== '' && p !== '.');
    let name = parts.length === 0 ? '.' : parts.join('/');
    if (entry.type === 'dir') name += '/';
    const size = entry.type === 'file' ? (entry.size ?? 0) : 0;
    const { block, pax } = header(
      name,
      entry,
      TYPE_FLAG[entry.type],
      size,
      entry.linkTarget ?? '',
      entry.type === 'char' || entry.type === 'block'
        ? { major: entry.major ?? 0, minor: entry.minor ?? 0 }
        : undefined,
    );
    if (pax.length > 0) {
      const records = Buffer.from(pax.join(''), 'utf8');
      const paxName = `PaxHeaders/${name.slice(0, 80)}`;
      const { block: paxBlock } = header(paxName, entry, 'x', records.length);
      writeAll(fd, sealed(paxBlock));
      writeAll(fd, records);
      writeAll(fd, Buffer.alloc((BLOCK - (records.length % BLOCK)) % BLOCK));
    }
    writeAll(fd, sealed(block));
    if (entry.type !== 'file') return undefined;
    let written = 0;
    return {
      write(chunk) {
        writeAll(fd, chunk);
        written += chunk.length;
      },
      end() {
        writeAll(fd, Buffer.alloc((BLOCK - (written % BLOCK)) % BLOCK));
      },
    };
  };
  return {
    put,
    finish: () => writeAll(fd, Buffer.alloc(BLOCK * 2)),
    abort: () => undefined,
  };
}
