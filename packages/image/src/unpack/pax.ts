import type { Timespec } from '@gc/syscall';

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

/**
 * The extended attributes of PAX records, values as bytes. tar-stream
 * decodes every PAX value as UTF-8, which mangles binary values such as
 * `security.capability`; so the unpacker reads them from the record's bytes.
 * GNU tar and Go's archive/tar write `SCHILY.xattr.NAME=raw bytes`; bsdtar
 * writes `LIBARCHIVE.xattr.URL-ENCODED-NAME=base64`.
 */
export function paxXattrs(records: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(records.buffer, records.byteOffset, records.byteLength);
  const xattrs = new Map<string, Buffer>();
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    if (space < 0) break;
    const length = Number.parseInt(buf.toString('latin1', pos, space), 10);
    if (!(length > 0) || pos + length > buf.length) break;
    const end = pos + length - 1; // the record's newline
    const equals = buf.indexOf(0x3d, space + 1);
    if (equals > space && equals < end) {
      const key = buf.toString('utf8', space + 1, equals);
      const value = buf.subarray(equals + 1, end);
      if (key.startsWith(SCHILY_XATTR)) {
        xattrs.set(key.slice(SCHILY_XATTR.length), Buffer.from(value));
      } else if (key.startsWith(LIBARCHIVE_XATTR)) {
        xattrs.set(decodeURIComponent(key.slice(LIBARCHIVE_XATTR.length)), Buffer.from(value.toString(), 'base64'));
      }
    }
    pos += length;
  }
  return xattrs;
}

/** A PAX time (`1700000000.123456789`, seconds with a fraction) as a Timespec; undefined if it is not one. */
export function paxTime(value: string | undefined): Timespec | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return undefined;
  const sec = Number.parseInt(match[1] as string, 10);
  const nsec = match[2] ? Number.parseInt(match[2].slice(0, 9).padEnd(9, '0'), 10) : 0;
  if (sec < 0 && nsec > 0) return { sec: sec - 1, nsec: 1_000_000_000 - nsec };
  return { sec, nsec };
}
