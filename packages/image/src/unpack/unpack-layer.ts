import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GcError, type Kernel, type Timespec } from '@gc/syscall';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';
import { decompress } from './decompress.js';
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
  try {
    source = await decompress(input, compression, {
      kernel,
      ...(options.zstd !== undefined ? { zstd: options.zstd } : {}),
      ...(options.onRead ? { onRead: options.onRead } : {}),
    });
    // Hashed here rather than in a worker thread: the copy to share each
    // chunk with a worker cost about what it saved, and unpacks of several
    // layers at once (the store's) keep the other cores busy anyway.
    const hash = createHash('sha256');
    let size = 0;
    const reader = new TarReader((header, xattrs) => entry(writer, header, xattrs, options));
    // The whole tar goes through here, each chunk parsed and written before
    // the next is read: no stream or promise per entry.
    for await (const chunk of source.output) {
      hash.update(chunk);
      size += chunk.byteLength;
      reader.push(chunk);
    }
    // The decompressor's failure first: a tar cut short by it says less.
    await source.finished;
    reader.end();
    writer.finish();
    return { diffId: `sha256:${hash.digest('hex')}`, size };
  } catch (e) {
    source?.destroy();
    throw e;
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
