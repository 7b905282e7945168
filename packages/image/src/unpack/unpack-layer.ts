import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { GcError, type Kernel, type Timespec } from '@gc/syscall';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';
import { createSha256Sink, type Sha256Sink } from '../sha256-sink.js';
import { decompress, findZstd, sniffCompression, zstdFromFile } from './decompress.js';
import { entryPath, splitPath } from './entry-path.js';
import { layerError } from './layer-error.js';
import { type FileSink, type LayerEntry, LayerWriter } from './layer-writer.js';
import { paxTime } from './pax.js';
import { type TarHeader, TarReader } from './tar-reader.js';

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
  /**
   * The sha256 of the input's bytes as given, already checked by the caller
   * (a blob of the store, verified when it was written) or to be checked by
   * it before the layer is used (a download, verified at its end). Where the
   * layer turns out to be a plain tar, these are the bytes of the diff ID:
   * it is this digest, and they are not hashed a second time.
   */
  verifiedDigest?: Digest;
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
  input: Readable | string,
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
  const reader = new TarReader((header, xattrs) => entry(writer, header, xattrs, options));
  let hash: Sha256Sink | undefined;
  let source: Awaited<ReturnType<typeof decompress>> | undefined;
  try {
    if (typeof input === 'string') {
      const fd = openLayer(input);
      let sniffed: Compression;
      try {
        sniffed = sniffFile(fd);
      } catch (e) {
        closeSync(fd);
        throw layerError(`read ${input}: ${(e as Error).message}`, e);
      }
      const zstd = sniffed === 'zstd' ? (options.zstd ?? findZstd()) : false;
      if (zstd !== false) {
        const unpacked = await unpackZstdFile(zstd, fd, kernel, reader, writer, options.onRead);
        if (unpacked !== undefined) return unpacked;
      }
      if (sniffed === 'none') {
        hash = createSha256Sink({ hashed: options.verifiedDigest === undefined });
        // Unhashed, a file's data need not pass through this process: copied in the kernel.
        const size = await readTar(fd, hash, reader, options.verifiedDigest !== undefined, options.onRead);
        reader.end();
        writer.finish();
        return { diffId: options.verifiedDigest ?? `sha256:${hash.digest()}`, size };
      }
      input = createReadStream('', { fd, highWaterMark: 1 << 20 });
    }
    source = await decompress(input, compression, {
      kernel,
      ...(options.zstd !== undefined ? { zstd: options.zstd } : {}),
      ...(options.onRead ? { onRead: options.onRead } : {}),
    });
    // The sha256 of the tar, as it is read; not at all for a plain tar whose
    // bytes the caller verified against the same digest already (see verifiedDigest).
    const verified = source.compression === 'none' ? options.verifiedDigest : undefined;
    hash = verified ? undefined : createSha256Sink();
    let size = 0;
    // The whole tar goes through here, each chunk parsed and written before
    // the next is read: no stream or promise per entry.
    for await (const chunk of source.output) {
      hash?.update(chunk);
      size += chunk.byteLength;
      reader.push(chunk);
    }
    // The decompressor's failure first: a tar cut short by it says less.
    await source.finished;
    reader.end();
    writer.finish();
    return { diffId: verified ?? `sha256:${(hash as Sha256Sink).digest()}`, size };
  } catch (e) {
    source?.destroy();
    throw e;
  } finally {
    writer.close();
  }
}

/**
 * A zstd layer's file decompressed by the `zstd` binary, which reads the
 * file itself: this process reads the tar from its pipe with readSync (the
 * binary depends on nothing this thread does, so the wait cannot deadlock)
 * and hashes it. Undefined where no pipe could be made (the caller streams).
 * Closes `fd` otherwise.
 */
async function unpackZstdFile(
  binary: string,
  fd: number,
  kernel: Kernel,
  reader: TarReader,
  writer: LayerWriter,
  onRead?: (bytes: number) => void,
): Promise<UnpackedLayer | undefined> {
  const zstd = zstdFromFile(binary, fd, kernel);
  if (zstd === undefined) return undefined;
  const hash = createSha256Sink();
  let size = 0;
  try {
    for (;;) {
      const view = hash.reserve(READ_SIZE);
      let n: number;
      try {
        n = readSync(zstd.output, view, 0, view.byteLength, null);
      } catch (e) {
        throw layerError(`read from ${binary}: ${(e as Error).message}`, e);
      }
      if (n === 0) break;
      hash.commit(n);
      size += n;
      reader.push(view.subarray(0, n));
      if (onRead) onRead(filePosition(fd));
    }
    // zstd's failure first: a tar cut short by it says less.
    await zstd.finished;
    onRead?.(filePosition(fd));
    reader.end();
    writer.finish();
    return { diffId: `sha256:${hash.digest()}`, size };
  } catch (e) {
    zstd.kill();
    throw e;
  } finally {
    closeSync(zstd.output);
    closeSync(fd);
  }
}

/**
 * How far the `zstd` binary has read the layer: its stdin shares `fd`'s
 * file offset (the compressed bytes read, for onRead).
 */
function filePosition(fd: number): number {
  const match = /^pos:\s*(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  return match ? Number(match[1]) : 0;
}

/** Read at a time from a layer's file. */
const READ_SIZE = 4 << 20;
/**
 * Read at a time where files' data is copied in the kernel: what a read
 * takes of a large file is read and written, the rest of it copied.
 */
const COPY_READ_SIZE = 1 << 20;
/** The rest of a file's data copied in the kernel rather than read, from this size. */
const COPY_MIN = 64 << 10;

function openLayer(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw new GcError(
      'EIMAGE_OPTION',
      `unpackLayer: input: cannot open ${JSON.stringify(path)}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

function sniffFile(fd: number): Compression {
  const head = Buffer.alloc(4);
  return sniffCompression(head.subarray(0, readSync(fd, head, 0, 4, 0)));
}

/**
 * A plain tar from its file, read into the hash's buffers
 * and parsed from there. Read with readSync, as tar reads: the unpack's
 * writes block this thread anyway, and a read handed to libuv's pool waits
 * for a pool thread to be scheduled, which on a busy machine costs more than
 * the read. With `copy` (nothing to hash), the rest of a large file's data
 * is copied from the tar's file in the kernel (copy_file_range) and not
 * read at all. Returns the tar's size; closes `fd`.
 */
async function readTar(
  fd: number,
  hash: Sha256Sink,
  reader: TarReader,
  copy: boolean,
  onRead?: (bytes: number) => void,
): Promise<number> {
  let size = 0;
  try {
    for (;;) {
      const view = hash.reserve(copy ? COPY_READ_SIZE : READ_SIZE);
      let n: number;
      try {
        n = readSync(fd, view, 0, view.byteLength, size);
      } catch (e) {
        throw layerError(`read the layer at byte ${size}: ${(e as Error).message}`, e);
      }
      if (n === 0) break;
      hash.commit(n);
      size += n;
      onRead?.(size);
      reader.push(view.subarray(0, n));
      if (copy && reader.dataAhead >= COPY_MIN) {
        const copied = reader.copyData(fd, size);
        if (copied === 0) copy = false;
        size += copied;
        if (copied > 0) onRead?.(size);
      }
    }
    return size;
  } finally {
    closeSync(fd);
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
  const pax = header.pax as Record<string, string | undefined> | null;
  const seconds = Math.floor(header.mtime.getTime() / 1000);
  const mtime: Timespec = paxTime(pax?.mtime) ?? { sec: seconds, nsec: 0 };
  const atime = paxTime(pax?.atime) ?? mtime;
  if (xattrs.size > 0) for (const key of xattrs.keys()) if (OVERLAY_XATTR.test(key)) xattrs.delete(key);
  return {
    name,
    path,
    mode: header.mode & 0o7777,
    uid: pax?.uid !== undefined ? Number.parseInt(pax.uid, 10) : header.uid,
    gid: pax?.gid !== undefined ? Number.parseInt(pax.gid, 10) : header.gid,
    atime,
    mtime,
    xattrs,
  };
}
