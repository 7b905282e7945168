import type { Readable } from 'node:stream';
import { GcError, type Kernel, type Timespec } from '@gc/syscall';
import { extract as tarExtract } from 'tar-stream';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';
import { decompress } from './decompress.js';
import { createDigester, type Digester } from './digester.js';
import { entryPath, splitPath } from './entry-path.js';
import { type FileSink, type LayerEntry, LayerWriter } from './layer-writer.js';
import { limitLongHeaders } from './long-headers.js';
import { paxTime, paxXattrs } from './pax.js';

export interface UnpackLayerOptions {
  /** Rootless overlayfs (`userxattr`): the opaque marker is `user.overlay.opaque`, not `trusted.overlay.opaque`. */
  rootless?: boolean;
  /**
   * Make character and block devices (default true). False refuses a layer
   * holding one with an EIMAGE_LAYER error (an unpack without the right to
   * make them, or a policy against them); fifos and whiteouts are still made.
   */
  devices?: boolean;
  /**
   * The `zstd` binary for zstd layers: a path, or false for fzstd (in
   * process). Default: `zstd` on PATH where there is one, else fzstd.
   */
  zstd?: string | false;
  /** Compressed bytes read so far. */
  onRead?: (bytes: number) => void;
}

export interface UnpackedLayer {
  /** sha256 of the uncompressed tar: checked against the config's diff_id by the caller. */
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  size: number;
}

const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'zstd'];
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** The overlay's own xattrs come from whiteouts only: a layer setting them could redirect lookups into other layers. */
const OVERLAY_XATTR = /^(trusted|user)\.overlay\./;

type TarHeader = import('tar-stream').Headers;

function layerError(message: string): GcError {
  return new GcError('EIMAGE_LAYER', `unpack layer: ${message}`);
}

/**
 * Unpack one layer (a tar, compressed as `compression` says) into `dir`, an
 * empty directory, in overlayfs's format: `.wh.X` becomes a 0/0 character
 * device X, `.wh..wh..opq` the opaque xattr of its directory. Every entry is
 * made through openat2(RESOLVE_IN_ROOT) below `dir`, so no name, `..` or
 * symlink writes outside it. On failure `dir` may hold part of the layer:
 * the caller removes it.
 */
export async function unpackLayer(
  kernel: Kernel,
  input: Readable,
  compression: Compression,
  dir: string,
  options: UnpackLayerOptions = {},
): Promise<UnpackedLayer> {
  if (!COMPRESSIONS.includes(compression)) {
    throw new GcError(
      'EIMAGE_OPTION',
      `unpackLayer: compression: ${JSON.stringify(compression)} is not one of ${COMPRESSIONS.join(', ')}`,
    );
  }
  if (typeof dir !== 'string' || !dir.startsWith('/')) {
    throw new GcError('EIMAGE_OPTION', `unpackLayer: dir: ${JSON.stringify(dir)} is not an absolute path`);
  }
  const writer = new LayerWriter(kernel, dir, { rootless: options.rootless === true });
  let source: Awaited<ReturnType<typeof decompress>> | undefined;
  let digester: Digester | undefined;
  const extract: Extract = tarExtract();
  const paxOf = capturePaxXattrs(extract);
  limitLongHeaders(extract, (what, size, limit) =>
    layerError(`${what} of ${size} bytes, more than the ${limit} a tar may hold (as Docker's)`),
  );
  try {
    source = await decompress(input, compression, {
      ...(options.zstd !== undefined ? { zstd: options.zstd } : {}),
      ...(options.onRead ? { onRead: options.onRead } : {}),
    });
    const hash = createDigester();
    digester = hash;
    await extractAll(source.output, extract, hash, (header, stream, next) => {
      // Its errors are the extract's, which fail the unpack; unheard they would be uncaught.
      stream.on('error', () => {});
      const sink = entry(writer, header, paxOf(), options);
      if (!sink) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      // Events rather than async iteration: a layer has thousands of small
      // entries, and a promise per chunk and per entry shows.
      stream.on('data', (chunk: Uint8Array) => {
        try {
          sink.write(chunk);
        } catch (e) {
          sink.abort();
          stream.destroy(e as Error);
          next(e as Error);
        }
      });
      stream.on('end', () => {
        try {
          sink.end();
        } catch (e) {
          return next(e as Error);
        }
        next();
      });
    });
    await source.finished;
    writer.finish();
    const { digest, size } = await hash.digest();
    return { diffId: digest, size };
  } catch (e) {
    digester?.destroy();
    source?.destroy();
    extract.destroy();
    throw tarError(e);
  } finally {
    writer.close();
  }
}

/** Write one entry; a sink for a regular file's data. */
function entry(
  writer: LayerWriter,
  header: TarHeader,
  xattrs: Map<string, Buffer>,
  options: UnpackLayerOptions,
): FileSink | undefined {
  const name = header.name;
  const path = entryPath(name);
  if (path === undefined) throw layerError(`entry "${name}": the name leads outside the layer`);
  const [parent, base] = splitPath(path);
  const layerEntry = toEntry(header, name, path, xattrs);

  if (base.startsWith(WHITEOUT)) {
    if (base === OPAQUE) {
      writer.opaque(layerEntry, parent);
      return undefined;
    }
    // Other `.wh..wh.` names are AUFS's metadata (hard-link bookkeeping): Docker skips them.
    if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return undefined;
    const hidden = base.slice(WHITEOUT.length);
    if (hidden === '.' || hidden === '..' || hidden === '') {
      throw layerError(`entry "${name}": a whiteout of "${hidden}", which names no file`);
    }
    writer.whiteout(layerEntry, parent === '' ? hidden : `${parent}/${hidden}`);
    return undefined;
  }
  if (path === '' && header.type !== 'directory') {
    throw layerError(`entry "${name}": a ${header.type ?? 'entry'} in place of the layer's root`);
  }

  switch (header.type) {
    case 'directory':
      writer.directory(layerEntry);
      return undefined;
    case 'file':
    case 'contiguous-file':
      return writer.file(layerEntry);
    case 'symlink':
      writer.symlink(layerEntry, header.linkname ?? '');
      return undefined;
    case 'link': {
      const target = entryPath(header.linkname ?? '');
      if (target === undefined || target === '') {
        throw layerError(`entry "${name}": a hard link to "${header.linkname}", which is outside the layer`);
      }
      writer.hardlink(layerEntry, target);
      return undefined;
    }
    case 'character-device':
    case 'block-device':
      if (options.devices === false) {
        const what = header.type === 'block-device' ? 'a block device' : 'a character device';
        throw layerError(`entry "${name}": ${what} (${header.devmajor}:${header.devminor}), refused (devices: false)`);
      }
      writer.node(layerEntry, header.type, header.devmajor ?? 0, header.devminor ?? 0);
      return undefined;
    case 'fifo':
      writer.node(layerEntry, 'fifo', 0, 0);
      return undefined;
    default:
      throw layerError(`entry "${name}": an unsupported tar entry type (${header.type ?? 'unknown'})`);
  }
}

function toEntry(header: TarHeader, name: string, path: string, xattrs: Map<string, Buffer>): LayerEntry {
  const pax = ((header as { pax?: Record<string, string> | null }).pax ?? {}) as Record<string, string | undefined>;
  const seconds = Math.floor((header.mtime?.getTime() ?? 0) / 1000);
  const mtime: Timespec = paxTime(pax.mtime) ?? { sec: seconds, nsec: 0 };
  const atime = paxTime(pax.atime) ?? mtime;
  for (const key of xattrs.keys()) if (OVERLAY_XATTR.test(key)) xattrs.delete(key);
  return {
    name,
    path,
    mode: (header.mode ?? 0o644) & 0o7777,
    uid: pax.uid !== undefined ? Number.parseInt(pax.uid, 10) : (header.uid ?? 0),
    gid: pax.gid !== undefined ? Number.parseInt(pax.gid, 10) : (header.gid ?? 0),
    atime,
    mtime,
    xattrs,
  };
}

/**
 * The xattrs of the PAX header before each entry, from its raw bytes (see
 * paxXattrs): a hook on this Extract instance's decoding of long headers,
 * which tar-stream (pinned) runs before it emits the entry they belong to.
 */
function capturePaxXattrs(extract: ReturnType<typeof tarExtract>): () => Map<string, Buffer> {
  type Hooked = { _header: { type: string } | null; _decodeLongHeader(buf: Uint8Array): void };
  const hooked = extract as unknown as Hooked;
  const decode = hooked._decodeLongHeader;
  if (typeof decode !== 'function') throw new Error('tar-stream: _decodeLongHeader is gone (a tar-stream not 3.1.x)');
  let global = new Map<string, Buffer>();
  let next: Map<string, Buffer> | undefined;
  hooked._decodeLongHeader = function (this: Hooked, buf: Uint8Array) {
    const type = this._header?.type;
    if (type === 'pax-header') next = paxXattrs(buf);
    else if (type === 'pax-global-header') global = paxXattrs(buf);
    decode.call(this, buf);
  };
  return () => {
    const own = next;
    next = undefined;
    if (global.size === 0) return own ?? new Map();
    return new Map([...global, ...(own ?? [])]);
  };
}

type Extract = ReturnType<typeof tarExtract>;
type EntryHandler = (header: TarHeader, stream: Readable, next: (error?: Error) => void) => void;

/**
 * Feed `tar` to the digester and to `extract`, and hand each entry to
 * `onEntry`, which calls `next` when done with it (with an error to stop).
 * Resolves once the last entry is done; rejects with the first error.
 */
function extractAll(tar: Readable, extract: Extract, digester: Digester, onEntry: EntryHandler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      tar.destroy();
      extract.destroy();
      reject(e);
    };
    extract.on('entry', (header: TarHeader, stream: Readable, next: () => void) => {
      if (failed) return;
      try {
        onEntry(header, stream, (e) => (e ? fail(e) : next()));
      } catch (e) {
        fail(e);
      }
    });
    extract.on('error', fail);
    extract.on('finish', () => {
      if (!failed) resolve();
    });
    tar.on('error', fail);
    tar.on('data', (chunk: Uint8Array) => {
      const taken = digester.update(chunk);
      const room = extract.write(chunk);
      if (taken || !room) tar.pause();
      let waits = (taken ? 1 : 0) + (room ? 0 : 1);
      const resume = () => {
        if (--waits === 0 && !failed) tar.resume();
      };
      taken?.then(resume, fail);
      if (!room) extract.once('drain', resume);
    });
    tar.on('end', () => extract.end());
  });
}

/** tar-stream's own errors (a bad header, a truncated tar) as the layer's. */
function tarError(e: unknown): unknown {
  if (GcError.isInstance(e) || !(e instanceof Error)) return e;
  if (/tar|Unexpected end of data/i.test(e.message)) return layerError(`read the tar: ${e.message}`);
  return e;
}
