// tar-stream's header and PAX decoding (its headers.js, plain CommonJS), which
// the unpacker uses without tar-stream's stream framing; @types/tar-stream
// declares only the streams.
declare module 'tar-stream/headers.js' {
  import type { Headers } from 'tar-stream';

  /** A 512-byte header block: null for a block of zeros (the archive's end). Throws on a bad checksum or format. */
  export function decode(
    block: Uint8Array,
    filenameEncoding?: string,
    allowUnknownFormat?: boolean,
  ): DecodedHeader | null;
  /** PAX records as text (`path`, `linkpath`, `size`, `mtime`, ...). */
  export function decodePax(records: Uint8Array): Record<string, string>;
  /** A GNU long name or link name (`L`, `K`). */
  export function decodeLongPath(data: Uint8Array, filenameEncoding?: string): string;

  export type DecodedType =
    | NonNullable<Headers['type']>
    | 'pax-header'
    | 'pax-global-header'
    | 'gnu-long-path'
    | 'gnu-long-link-path';

  export interface DecodedHeader {
    name: string;
    mode: number;
    uid: number;
    gid: number;
    size: number;
    mtime: Date;
    type: DecodedType | null;
    linkname: string | null;
    uname: string;
    gname: string;
    devmajor: number;
    devminor: number;
    pax: Record<string, string> | null;
  }
}
