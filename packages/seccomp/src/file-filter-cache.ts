import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOCK_FILTER_SIZE } from './bpf.js';
import { BPF_MAXINSNS } from './constants.js';
import type { FilterCache } from './filter-cache.js';
import { type CompiledFilterSummary, isFilterSummary } from './filter-summary.js';
import { hash32 } from './hash32.js';

export interface FileFilterCacheOptions {
  /**
   * Names the build of the compiler, e.g. a build id of the bundle that holds
   * it: part of every key, next to the package version (which does not change
   * while the code does, during development). Default: none.
   */
  readonly salt?: string;
}

// An entry, little-endian u32s: 'GCSF', format, key length, instruction
// count, flags, needsListener, default action, checksum (hash32 of the seven
// words before it, then of the filter); the filter (count * 8 bytes); the key.
const MAGIC = 0x46534347;
const FORMAT = 1;
const HEADER = 32;
const CHECKSUM_AT = 28;

/**
 * A FilterCache in `dir`, one file per key: `<hash32 of salt + key>.filter`.
 * Every entry holds its full key, compared on read, and a checksum, so a
 * colliding name, a truncated or corrupt file or an entry of another salt or
 * version reads as a miss (planSeccomp then compiles and overwrites it).
 *
 * `dir` is made on the first write (mode 0700, and its missing parents) and
 * used only while it is a directory owned by this process's effective uid
 * that neither group nor others can write: whoever can write a cache chooses
 * the filters of the containers that use it. Entries are written to a
 * temporary file (0600) and renamed into place, so readers see the old entry
 * or the new one. A missing, unusable or unwritable directory only means no
 * caching: `get` and `set` never throw.
 */
export function createFileFilterCache(dir: string, opts: FileFilterCacheOptions = {}): FilterCache {
  const prefix = `${JSON.stringify(opts.salt ?? '')}\n`;
  const locate = (key: string) => {
    const stored = Buffer.from(prefix + key);
    return { stored, file: join(dir, `${hash32(stored).toString(16).padStart(8, '0')}.filter`) };
  };
  return {
    get(key: string): CompiledFilterSummary | undefined {
      try {
        if (!usableDir(dir)) return undefined;
        const { stored, file } = locate(key);
        return decodeEntry(readFileSync(file), stored);
      } catch {
        return undefined;
      }
    },
    set(key: string, value: CompiledFilterSummary): void {
      if (!isFilterSummary(value)) return;
      let tmp: string | undefined;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!usableDir(dir)) return;
        const { stored, file } = locate(key);
        tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
        writeFileSync(tmp, encodeEntry(value, stored), { mode: 0o600 });
        renameSync(tmp, file);
        tmp = undefined;
      } catch {
        // Read-only, full, not ours: no caching.
      } finally {
        if (tmp !== undefined) {
          try {
            unlinkSync(tmp);
          } catch {}
        }
      }
    },
  };
}

/** A directory of ours that only we can write (throws ENOENT when there is none). */
function usableDir(dir: string): boolean {
  const st = statSync(dir);
  const uid = process.geteuid?.();
  return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

function checksum(entry: Uint8Array, filterLength: number): number {
  return hash32(entry.subarray(HEADER, HEADER + filterLength), hash32(entry.subarray(0, CHECKSUM_AT)));
}

function encodeEntry(value: CompiledFilterSummary, key: Buffer): Buffer {
  const n = value.bytes.length;
  const out = Buffer.alloc(HEADER + n + key.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT, 4);
  out.writeUInt32LE(key.length, 8);
  out.writeUInt32LE(value.instructionCount, 12);
  out.writeUInt32LE(value.flags, 16);
  out.writeUInt32LE(value.needsListener ? 1 : 0, 20);
  out.writeUInt32LE(value.defaultAction >>> 0, 24);
  out.set(value.bytes, HEADER);
  key.copy(out, HEADER + n);
  out.writeUInt32LE(checksum(out, n), CHECKSUM_AT);
  return out;
}

/** The entry's filter when it is whole, intact and for `key`; otherwise undefined. */
function decodeEntry(entry: Buffer, key: Buffer): CompiledFilterSummary | undefined {
  if (entry.length < HEADER || entry.readUInt32LE(0) !== MAGIC || entry.readUInt32LE(4) !== FORMAT) return undefined;
  const count = entry.readUInt32LE(12);
  const n = count * SOCK_FILTER_SIZE;
  if (count < 1 || count > BPF_MAXINSNS || entry.readUInt32LE(8) !== key.length) return undefined;
  if (entry.length !== HEADER + n + key.length) return undefined;
  if (!entry.subarray(HEADER + n).equals(key)) return undefined;
  if (checksum(entry, n) !== entry.readUInt32LE(CHECKSUM_AT)) return undefined;
  const listener = entry.readUInt32LE(20);
  if (listener > 1) return undefined;
  const summary: CompiledFilterSummary = {
    bytes: new Uint8Array(entry.subarray(HEADER, HEADER + n)),
    instructionCount: count,
    flags: entry.readUInt32LE(16),
    needsListener: listener === 1,
    defaultAction: entry.readUInt32LE(24),
  };
  return isFilterSummary(summary) ? summary : undefined;
}
