import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GcError } from '@gc/syscall';
import tar from 'tar-stream';
import { type Digest, isDigest } from '../digest.js';
import type { Compression } from '../media-types.js';
import type { ImageStore } from '../store/image-store.js';
import { type Decompressed, decompress, sniffCompression } from '../unpack/decompress.js';
import { limitLongHeaders } from '../unpack/long-headers.js';
import { archiveError, EIMAGE_ARCHIVE } from './archive-error.js';
import { cleanEntryName, symlinkTarget } from './entry-name.js';

/** The most bytes of one metadata file (manifest.json, index.json, a manifest, a config) read into memory. */
export const METADATA_LIMIT = 8 * 1024 * 1024;

/** The archive's top-level files that describe it, read into memory rather than stored. */
const METADATA = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);
// docker save's legacy per-layer files, which no loader needs.
const LEGACY = /^[a-f0-9]{64}\/(?:json|VERSION)$/;
const BLOB = /^blobs\/sha256\/([a-f0-9]{64})$/;
const MAX_LINK_HOPS = 40;

/** How many leading bytes `sniffCompression` needs: zstd's magic number is the longest. */
export const SNIFF_BYTES = 4;

/** A regular entry of the archive, streamed into the store. */
export interface StoredEntry {
  digest: Digest;
  size: number;
  compression: Compression;
}

/** What an archive held, by entry name (cleaned: no `./`, no trailing `/`). */
export interface ArchiveContents {
  /** The archive, as errors name it. */
  source: string;
  blobs: Map<string, StoredEntry>;
  metadata: Map<string, Buffer>;
  /** Symlinks and hard links, as the archive path they point at. */
  links: Map<string, string>;
}

export type ArchiveInput = string | Readable | AsyncIterable<Uint8Array>;

/** The name errors give an archive: its file's base name, else `source`, else `archive`. */
export function archiveSource(input: ArchiveInput, source: string | undefined): string {
  return source ?? (typeof input === 'string' ? basename(input) : 'archive');
}

/**
 * Read a tar archive once, in order: blob-like entries are streamed into the
 * store (their digest computed as they flow; `blobs/sha256/<hex>` checked
 * against its name), small metadata files are kept in memory (capped), and
 * links are recorded to be resolved inside the archive once everything is
 * read. Nothing is ever written by an entry's name.
 */
export async function readArchiveEntries(
  store: ImageStore,
  input: ArchiveInput,
  source: string,
): Promise<ArchiveContents> {
  const contents: ArchiveContents = { source, blobs: new Map(), metadata: new Map(), links: new Map() };
  const path = typeof input === 'string' ? input : undefined;
  const raw = typeof input === 'string' ? createReadStream(input) : Readable.from(input);
  // docker load and podman load take a gzip'd or zstd'd archive too.
  let tarStream: Decompressed;
  try {
    tarStream = await decompress(raw, 'none');
  } catch (error) {
    raw.destroy();
    throw wrapReadError(source, error, path);
  }
  const extract = tar.extract();
  limitLongHeaders(extract, (what, size, limit) =>
    archiveError(source, what, `${size} bytes, more than the ${limit} a tar may hold (as Docker's)`),
  );
  let inputError: unknown;
  const feeding = pipeline(tarStream.output, extract).catch((error: unknown) => {
    inputError = error;
  });
  try {
    for await (const entry of extract) {
      await readEntry(store, contents, entry);
    }
    await feeding;
    if (inputError !== undefined) throw inputError;
    await tarStream.finished.catch((error: unknown) => {
      throw new GcError(EIMAGE_ARCHIVE, `${source}: cannot decompress it: ${(error as Error).message}`, {
        cause: error,
      });
    });
  } catch (error) {
    throw wrapReadError(source, inputError ?? error, path);
  } finally {
    extract.destroy();
    tarStream.destroy();
    await feeding;
  }
  return contents;
}

/** The archive's own failure (unreadable file, not a tar, truncated) as EIMAGE_ARCHIVE; the store's and ours pass as they are. */
function wrapReadError(source: string, error: unknown, path: string | undefined): Error {
  if (GcError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (path !== undefined && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new GcError(EIMAGE_ARCHIVE, `${source}: cannot read ${path}: ${code}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GcError(EIMAGE_ARCHIVE, `${source}: not a readable tar archive: ${message}`, { cause: error });
}

async function readEntry(store: ImageStore, contents: ArchiveContents, entry: tar.Entry): Promise<void> {
  const { source } = contents;
  const header = entry.header;
  const name = cleanEntryName(header.name);
  const shown = JSON.stringify(header.name);
  if (name === undefined) {
    throw archiveError(source, shown, 'an entry name that is absolute or climbs out of the archive with ".."');
  }
  const type = header.type ?? 'file';
  if (type === 'directory' || name === '') {
    entry.resume();
    return;
  }
  if (contents.blobs.has(name) || contents.metadata.has(name) || contents.links.has(name)) {
    throw archiveError(source, shown, 'appears twice in the archive');
  }
  if (type === 'symlink' || type === 'link') {
    entry.resume();
    const linkname = header.linkname ?? '';
    // A hard link names an archive path; a symlink is relative to its own directory.
    const target = type === 'link' ? cleanEntryName(linkname) : symlinkTarget(name, linkname);
    if (target === undefined || target === '') {
      throw archiveError(source, shown, `a ${type} to ${JSON.stringify(linkname)}, outside the archive`);
    }
    if (METADATA.has(name)) throw archiveError(source, shown, `must be a regular file, not a ${type}`);
    contents.links.set(name, target);
    return;
  }
  if (type !== 'file' && type !== 'contiguous-file') {
    throw archiveError(source, shown, `a ${type} entry, which an image archive never holds`);
  }
  const size = header.size ?? 0;
  if (METADATA.has(name)) {
    if (size > METADATA_LIMIT) {
      throw archiveError(source, name, `${size} bytes, more than the ${METADATA_LIMIT} a metadata file may have`);
    }
    contents.metadata.set(name, await collect(entry));
    return;
  }
  if (LEGACY.test(name)) {
    entry.resume();
    return;
  }
  const hex = BLOB.exec(name)?.[1];
  const expected = hex !== undefined ? { digest: `sha256:${hex}` as Digest, size } : undefined;
  let compression: Compression = 'none';
  async function* sniffing(): AsyncGenerator<Uint8Array> {
    let head = Buffer.alloc(0);
    let sniffed = false;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      if (!sniffed) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]).subarray(0, SNIFF_BYTES);
        if (head.length >= SNIFF_BYTES) {
          sniffed = true;
          compression = sniffCompression(head);
        }
      }
      yield chunk;
    }
    if (!sniffed) compression = sniffCompression(head);
  }
  let stored: { digest: Digest; size: number };
  try {
    stored = await store.putBlobStream(sniffing(), expected);
  } catch (error) {
    if (expected !== undefined && GcError.isInstance(error) && /^EIMAGE_(DIGEST|SIZE)$/.test(error.code)) {
      throw archiveError(source, name, `its content does not match its name ${expected.digest}`, error);
    }
    if (GcError.isInstance(error)) throw error;
    // The archive ending inside this entry is the archive's failure; anything else is the store's (ENOSPC).
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw archiveError(source, name, `cannot store it: ${code} (${(error as Error).message})`, error);
  }
  if (!isDigest(stored.digest)) throw archiveError(source, name, 'the store returned no digest');
  contents.blobs.set(name, { digest: stored.digest, size: stored.size, compression });
}

async function collect(entry: tar.Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The stored entry `name` is (following the archive's links, a directory's
 * too), or undefined when the archive has none.
 */
export function resolveEntry(contents: ArchiveContents, name: string): StoredEntry | undefined {
  const clean = cleanEntryName(name);
  if (clean === undefined) return undefined;
  let path: string = clean;
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    const direct = contents.blobs.get(path);
    if (direct !== undefined) return direct;
    const parts: string[] = path.split('/');
    let replaced = false;
    for (let i = parts.length; i > 0; i--) {
      const prefix = parts.slice(0, i).join('/');
      const target = contents.links.get(prefix);
      if (target !== undefined) {
        path = [target, ...parts.slice(i)].join('/');
        replaced = true;
        break;
      }
    }
    if (!replaced) return undefined;
  }
  return undefined;
}
