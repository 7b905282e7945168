import { type DecodedHeader, decodeLongPath, decodePax } from 'tar-stream/headers.js';
import { layerError } from './layer-error.js';
import { paxXattrs } from './pax.js';
import { decodeHeader } from './tar-header.js';

/** A tar entry's header, with GNU long names and PAX records applied (tar-stream's decoding). */
export type TarHeader = DecodedHeader;

/** Where an entry's data goes, piece by piece as the chunks hold it. */
export interface TarDataSink {
  write(data: Uint8Array): void;
  /**
   * Copy up to `length` bytes of the data from `fd` at `offset` (the tar's
   * file) inside the kernel, instead of their being read and written;
   * returns the bytes copied, 0 where the sink cannot copy.
   */
  copy?(fd: number, offset: number, length: number): number;
  end(): void;
}

/**
 * Called for each entry, in order, with the xattrs of its PAX records (and
 * of the last global PAX header) as bytes; returns a sink for its data, or
 * undefined to skip the data.
 */
export type TarEntryHandler = (header: TarHeader, xattrs: Map<string, Buffer>) => TarDataSink | undefined;

const BLOCK = 512;
/** The largest PAX or GNU long-name header read, as Go's archive/tar (so Docker) reads: more is refused, not buffered. */
const MAX_LONG_HEADER = 1 << 20;
const LONG_HEADER_NAMES: Record<string, string> = {
  'pax-header': 'a PAX header',
  'pax-global-header': 'a PAX global header',
  'gnu-long-path': 'a GNU long name',
  'gnu-long-link-path': 'a GNU long link name',
};

/**
 * The xattrs of an entry without any: one map for them all (an entry
 * handler deletes from a map only when it has keys, and adds none).
 */
const NO_XATTRS = new Map<string, Buffer>();

enum State {
  Header,
  Data,
  Padding,
  LongHeader,
}

/**
 * A tar read synchronously from the chunks it arrives in: headers as
 * tar-stream's `headers.js` decodes them (see decodeHeader; PAX records and
 * GNU long names by its decodePax and decodeLongPath), the framing (512-byte
 * blocks, data, padding, long headers) done here, and data handed on as
 * views of the chunks. So an
 * entry costs no stream and no wait, which in a layer of thousands of small
 * files is most of the time tar-stream's extract takes. It reads as
 * tar-stream's extract does: zero blocks are skipped, a local PAX header is
 * merged over the last global one, and a directory has no data.
 */
export class TarReader {
  readonly #onEntry: TarEntryHandler;
  #state = State.Header;
  /** A header split across chunks, gathered here. */
  readonly #block = Buffer.alloc(BLOCK);
  #filled = 0;
  /** Bytes left of the current data or padding. */
  #missing = 0;
  /** Bytes of the current entry's data. */
  #size = 0;
  #sink: TarDataSink | undefined;
  /** The long header being read, its type, and how much of it is in. */
  #long: Buffer | undefined;
  #longType: DecodedHeader['type'] = null;
  #longFilled = 0;
  #gnuPath: string | undefined;
  #gnuLinkPath: string | undefined;
  #pax: Record<string, string> | undefined;
  #paxXattrs: Map<string, Buffer> | undefined;
  #globalPax: Record<string, string> | undefined;
  #globalXattrs: Map<string, Buffer> | undefined;
  /** Bytes read before the current chunk (for messages). */
  #offset = 0;

  constructor(onEntry: TarEntryHandler) {
    this.#onEntry = onEntry;
  }

  /** Read a chunk: every entry it completes is handed on before this returns. */
  push(data: Uint8Array): void {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const length = chunk.byteLength;
    let at = 0;
    while (at < length) {
      switch (this.#state) {
        case State.Header: {
          let block: Buffer;
          if (this.#filled === 0 && length - at >= BLOCK) {
            block = chunk.subarray(at, at + BLOCK);
            at += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.#filled, length - at);
            this.#block.set(chunk.subarray(at, at + n), this.#filled);
            this.#filled += n;
            at += n;
            if (this.#filled < BLOCK) break;
            this.#filled = 0;
            block = this.#block;
          }
          this.#header(block, this.#offset + at - BLOCK);
          break;
        }
        case State.Data: {
          const n = Math.min(this.#missing, length - at);
          this.#sink?.write(at === 0 && n === length ? chunk : chunk.subarray(at, at + n));
          at += n;
          this.#missing -= n;
          if (this.#missing === 0) this.#endData();
          break;
        }
        case State.Padding: {
          const n = Math.min(this.#missing, length - at);
          at += n;
          this.#missing -= n;
          if (this.#missing === 0) this.#state = State.Header;
          break;
        }
        case State.LongHeader: {
          const long = this.#long as Buffer;
          const n = Math.min(long.length - this.#longFilled, length - at);
          long.set(chunk.subarray(at, at + n), this.#longFilled);
          this.#longFilled += n;
          at += n;
          if (this.#longFilled === long.length) this.#endLongHeader(long);
          break;
        }
      }
    }
    this.#offset += length;
  }

  /**
   * Where the last chunk ended inside an entry's data that a sink takes:
   * have the sink copy what is left of it from `fd` (the tar's file, the
   * byte after that chunk at `offset`), and go on as if those bytes had been
   * pushed. Returns the bytes copied (0: none, the caller reads them).
   */
  copyData(fd: number, offset: number): number {
    const sink = this.#sink;
    if (this.#state !== State.Data || sink?.copy === undefined) return 0;
    const n = sink.copy(fd, offset, this.#missing);
    if (n <= 0) return 0;
    this.#missing -= n;
    this.#offset += n;
    if (this.#missing === 0) this.#endData();
    return n;
  }

  /** Bytes of the current entry's data still to come (0 outside data). */
  get dataAhead(): number {
    return this.#state === State.Data && this.#sink !== undefined ? this.#missing : 0;
  }

  /** The tar's end: throws if it stops inside a header or an entry. */
  end(): void {
    if (this.#state !== State.Header || this.#filled !== 0) {
      throw layerError(`read the tar: unexpected end of data at byte ${this.#offset} (a truncated layer)`);
    }
  }

  #header(block: Buffer, offset: number): void {
    let header: DecodedHeader | null;
    try {
      header = decodeHeader(block);
    } catch (e) {
      throw layerError(`read the tar: at byte ${offset}: ${(e as Error).message}`);
    }
    if (header === null) return; // a zero block: the archive's end, or padding between archives
    const { type } = header;
    if (
      type === 'pax-header' ||
      type === 'pax-global-header' ||
      type === 'gnu-long-path' ||
      type === 'gnu-long-link-path'
    ) {
      const size = checkedSize(header.size, header, offset);
      if (size > MAX_LONG_HEADER) {
        throw layerError(
          `read the tar: at byte ${offset}: ${LONG_HEADER_NAMES[type]} of ${size} bytes, more than the ${MAX_LONG_HEADER} a tar may hold (as Docker's)`,
        );
      }
      this.#longType = type;
      if (size === 0) {
        this.#endLongHeader(Buffer.alloc(0));
        return;
      }
      this.#long = Buffer.allocUnsafe(size);
      this.#longFilled = 0;
      this.#state = State.LongHeader;
      return;
    }

    let xattrs: Map<string, Buffer>;
    if (this.#gnuPath !== undefined) header.name = this.#gnuPath;
    if (this.#gnuLinkPath !== undefined) header.linkname = this.#gnuLinkPath;
    this.#gnuPath = this.#gnuLinkPath = undefined;
    const pax = this.#pax;
    if (pax !== undefined) {
      if (pax.path) header.name = pax.path;
      if (pax.linkpath) header.linkname = pax.linkpath;
      if (pax.size) header.size = checkedSize(Number(pax.size), header, offset);
      header.pax = pax;
      xattrs = this.#paxXattrs as Map<string, Buffer>;
      this.#pax = this.#paxXattrs = undefined;
    } else {
      xattrs = this.#globalXattrs ? new Map(this.#globalXattrs) : NO_XATTRS;
    }
    const size = type === 'directory' ? 0 : checkedSize(header.size, header, offset);
    this.#sink = this.#onEntry(header, xattrs);
    this.#size = size;
    this.#missing = size;
    if (size > 0) this.#state = State.Data;
    else this.#endData();
  }

  #endData(): void {
    const sink = this.#sink;
    this.#sink = undefined;
    sink?.end();
    this.#padding(overflow(this.#size));
  }

  #padding(bytes: number): void {
    this.#missing = bytes;
    this.#state = bytes > 0 ? State.Padding : State.Header;
  }

  #endLongHeader(data: Buffer): void {
    this.#long = undefined;
    switch (this.#longType) {
      case 'gnu-long-path':
        this.#gnuPath = decodeLongPath(data, 'utf-8');
        break;
      case 'gnu-long-link-path':
        this.#gnuLinkPath = decodeLongPath(data, 'utf-8');
        break;
      case 'pax-global-header':
        this.#globalPax = decodePax(data);
        this.#globalXattrs = paxXattrs(data);
        break;
      default: {
        const own = decodePax(data);
        const ownXattrs = paxXattrs(data);
        this.#pax = this.#globalPax ? { ...this.#globalPax, ...own } : own;
        this.#paxXattrs = this.#globalXattrs ? new Map([...this.#globalXattrs, ...ownXattrs]) : ownXattrs;
      }
    }
    this.#padding(overflow(data.length));
  }
}

/** Bytes of padding after `size` bytes of data, to the next block. */
function overflow(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

function checkedSize(size: number, header: DecodedHeader, offset: number): number {
  if (Number.isSafeInteger(size) && size >= 0) return size;
  throw layerError(`read the tar: at byte ${offset}: entry "${header.name}": size ${size} is not a size`);
}
