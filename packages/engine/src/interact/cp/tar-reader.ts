import { GcError } from '@gc/syscall';
import type { DataSink, TreeEntry, TreeEntryType, TreeSink } from './tree-entry.js';

const BLOCK = 512;
const TYPES: Record<string, TreeEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};
/** A PAX or GNU long-name header longer than this is no header (as Go's archive/tar refuses). */
const MAX_LONG = 1 << 20;

export const ENGINE_BAD_TAR = 'ENGINE_BAD_TAR';

const bad = (what: string) => new GcError(ENGINE_BAD_TAR, `cp: the tar stream on standard input: ${what}`);

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function number(block: Buffer, offset: number, length: number, field: string): number {
  if ((block[offset] as number) & 0x80) {
    // GNU base-256 for values that do not fit in octal.
    let value = 0;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (block[i] as number);
    return value;
  }
  const digits = text(block, offset, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw bad(`${field}: ${JSON.stringify(digits)} is not an octal number`);
  return Number.parseInt(digits, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || at + length > data.length)
      throw bad('a PAX record that is not LEN key=value');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

/** A tar name as components below the destination; `..` above it, and hard links, are refused. */
function componentsOf(name: string): string[] {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw bad(`${JSON.stringify(name)} climbs above the destination`);
      parts.pop();
    } else parts.push(part);
  }
  return parts;
}

/**
 * Reads a tar stream (ustar, PAX, GNU long names) from the chunks it
 * arrives in and gives its entries to `sink`, as `docker cp - CONTAINER:DEST`
 * extracts one into DEST.
 */
export function createTarReader(sink: TreeSink): { push(chunk: Uint8Array): void; end(): void } {
  let buffer = Buffer.alloc(0);
  let data: { sink: DataSink | undefined; left: number; pad: number } | undefined;
  let long: { kind: string; left: number; pad: number; parts: Buffer[] } | undefined;
  let pax: Record<string, string> = {};
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  let ended = false;

  const onHeader = (block: Buffer) => {
    if (block.every((b) => b === 0)) {
      ended = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    if (sum !== number(block, 148, 8, 'checksum')) throw bad('a header whose checksum is wrong (not a tar stream?)');
    const flag = String.fromCharCode(block[156] as number);
    const size = pax.size !== undefined ? Number(pax.size) : number(block, 124, 12, 'size');
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_LONG) throw bad(`a ${flag} header of ${size} bytes`);
      long = { kind: flag, left: size, pad, parts: [] };
      return;
    }
    const prefix = text(block, 345, 155);
    const baseName = text(block, 0, 100);
    const name = pax.path ?? gnuName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const link = pax.linkpath ?? gnuLink ?? text(block, 157, 100);
    const uid = pax.uid !== undefined ? Number(pax.uid) : number(block, 108, 8, 'uid');
    const gid = pax.gid !== undefined ? Number(pax.gid) : number(block, 116, 8, 'gid');
    const mtimeSec = pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : number(block, 136, 12, 'mtime');
    pax = {};
    gnuName = undefined;
    gnuLink = undefined;
    if (flag === '1') throw bad(`${JSON.stringify(name)} is a hard link (not supported by cp)`);
    const type = TYPES[flag];
    if (type === undefined)
      throw bad(`${JSON.stringify(name)} has the type ${JSON.stringify(flag)}, which cp does not make`);
    const time = { sec: mtimeSec, nsec: 0 };
    const entry: TreeEntry = {
      path: componentsOf(name),
      type,
      mode: number(block, 100, 8, 'mode') & 0o7777,
      uid,
      gid,
      mtime: time,
      atime: time,
      ...(type === 'file' ? { size } : {}),
      ...(type === 'symlink' ? { linkTarget: link } : {}),
      ...(type === 'char' || type === 'block'
        ? { major: number(block, 329, 8, 'devmajor'), minor: number(block, 337, 8, 'devminor') }
        : {}),
    };
    const out = sink.put(entry);
    if (type === 'file') {
      data = { sink: out, left: size, pad };
      if (size === 0) {
        out?.end();
        data = pad > 0 ? { sink: undefined, left: 0, pad } : undefined;
      }
    }
  };

  const step = (): boolean => {
    if (long) {
      const take = Math.min(long.left, buffer.length);
      if (take > 0) {
        long.parts.push(Buffer.from(buffer.subarray(0, take)));
        long.left -= take;
        buffer = buffer.subarray(take);
      }
      if (long.left > 0) return false;
      const skip = Math.min(long.pad, buffer.length);
      long.pad -= skip;
      buffer = buffer.subarray(skip);
      if (long.pad > 0) return false;
      const body = Buffer.concat(long.parts);
      if (long.kind === 'x') pax = { ...pax, ...parsePax(body) };
      else if (long.kind === 'L') gnuName = text(body, 0, body.length);
      else if (long.kind === 'K') gnuLink = text(body, 0, body.length);
      long = undefined;
      return true;
    }
    if (data) {
      const take = Math.min(data.left, buffer.length);
      if (take > 0) {
        data.sink?.write(buffer.subarray(0, take));
        data.left -= take;
        buffer = buffer.subarray(take);
        if (data.left === 0) data.sink?.end();
      }
      if (data.left > 0) return false;
      const skip = Math.min(data.pad, buffer.length);
      data.pad -= skip;
      buffer = buffer.subarray(skip);
      if (data.pad > 0) return false;
      data = undefined;
      return true;
    }
    if (ended || buffer.length < BLOCK) return false;
    const block = Buffer.from(buffer.subarray(0, BLOCK));
    buffer = buffer.subarray(BLOCK);
    onHeader(block);
    return true;
  };

  return {
    push(chunk) {
      buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
      while (step()) {
        // each step consumes a header, data or a long header
      }
    },
    end() {
      if (data || long) throw bad('it ended inside an entry');
    },
  };
}
