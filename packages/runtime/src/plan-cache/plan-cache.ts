import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash32 } from '@gc/seccomp';
import type { HostAnswer } from './recording-host.js';

/** A planned program, kept: what `planContainerCached` needs to run it again without planning. */
export interface CachedPlan {
  /** The program's blob, with the container's ID (and its short form) as placeholders. */
  readonly blob: Uint8Array;
  /** The questions planning asked the host, and its answers (paths with the placeholders). */
  readonly answers: readonly HostAnswer[];
  readonly cloneFlags: string;
  readonly execOp: number;
  readonly lookOp: number | undefined;
  readonly command: string;
}

/**
 * Planned programs by key (`planContainerCached` makes the keys: everything
 * a plan depends on, but the host's answers, which the entry holds).
 * `createFilePlanCache` keeps them in a directory; a `Map` is one too.
 */
export interface PlanCache {
  get(key: string): CachedPlan | undefined;
  set(key: string, value: CachedPlan): void;
  delete(key: string): void;
}

export interface FilePlanCacheOptions {
  /** Names the build of the planners (a build id of the bundle): part of every key. */
  readonly salt?: string;
  /**
   * Entries kept (default 64): a write past it removes the least recently
   * written ones, so that runs of ever-new command lines do not fill the disk.
   */
  readonly maxEntries?: number;
}

// An entry: 'GCPC', format, the payload's length, zero; then the payload
// twice. The payload is the length of its JSON part (u32), the JSON part
// ({ key, answers, cloneFlags, execOp, lookOp, command }) and the blob. The
// two copies are compared (natively: hashing ~100 KB in JIT-cold JavaScript
// costs more than planning), so a corrupt byte reads as a miss.
const MAGIC = 0x43504347;
const FORMAT = 2;
const HEADER = 16;

/**
 * A PlanCache in `dir`, one file per key: `<hash32 of the salt and a
 * sample of the key>.plan`. Every entry holds its full key, compared on
 * read, and its content twice, compared too, so a colliding name, a
 * truncated or corrupt file or an entry of another salt reads as a miss. As the seccomp filter cache: `dir` is made on the first
 * write (0700) and used only while it is ours and nobody else can write it
 * (whoever can write a cache chooses what containers run); entries are
 * written to a temporary file and renamed into place; `get` and `set` never
 * throw (no usable directory only means no caching).
 */
export function createFilePlanCache(dir: string, opts: FilePlanCacheOptions = {}): PlanCache {
  const salted = (key: string) => `${JSON.stringify(opts.salt ?? '')}\n${key}`;
  const fileOf = (key: string) =>
    join(
      dir,
      `${hash32(Buffer.from(sample(salted(key))))
        .toString(16)
        .padStart(8, '0')}.plan`,
    );
  return {
    get(key) {
      try {
        if (!usableDir(dir)) return undefined;
        return decodeEntry(readFileSync(fileOf(key)), salted(key));
      } catch {
        return undefined;
      }
    },
    delete(key) {
      try {
        unlinkSync(fileOf(key));
      } catch {}
    },
    set(key, value) {
      let tmp: string | undefined;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!usableDir(dir)) return;
        const file = fileOf(key);
        tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
        writeFileSync(tmp, encodeEntry(value, salted(key)), { mode: 0o600 });
        renameSync(tmp, file);
        tmp = undefined;
        evict(dir, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
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

const DEFAULT_MAX_ENTRIES = 64;

/** Remove the oldest entries past `max` (by mtime: a read does not touch it, a miss rewrites). */
function evict(dir: string, max: number): void {
  const names = readdirSync(dir).filter((name) => name.endsWith('.plan'));
  if (names.length <= max) return;
  const aged = names.map((name) => ({ name, at: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { name } of aged.slice(0, names.length - max)) {
    try {
      unlinkSync(join(dir, name));
    } catch {}
  }
}

function usableDir(dir: string): boolean {
  const st = statSync(dir);
  const uid = process.geteuid?.();
  return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** A file name needs no more: the full key is compared on read. */
function sample(key: string): string {
  let out = `${key.length}:${key.slice(0, 512)}${key.slice(-512)}`;
  for (let i = 512; i < key.length - 512; i += 61) out += key[i];
  return out;
}

function encodeEntry(value: CachedPlan, key: string): Buffer {
  const { blob, ...rest } = value;
  const json = Buffer.from(JSON.stringify({ key, ...rest, lookOp: rest.lookOp ?? null }));
  const payload = 4 + json.length + blob.length;
  const out = Buffer.alloc(HEADER + 2 * payload);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT, 4);
  out.writeUInt32LE(payload, 8);
  for (const at of [HEADER, HEADER + payload]) {
    out.writeUInt32LE(json.length, at);
    json.copy(out, at + 4);
    out.set(blob, at + 4 + json.length);
  }
  return out;
}

function decodeEntry(entry: Buffer, key: string): CachedPlan | undefined {
  if (entry.length < HEADER || entry.readUInt32LE(0) !== MAGIC || entry.readUInt32LE(4) !== FORMAT) return undefined;
  const payload = entry.readUInt32LE(8);
  if (payload < 4 || entry.length !== HEADER + 2 * payload) return undefined;
  const first = entry.subarray(HEADER, HEADER + payload);
  if (!first.equals(entry.subarray(HEADER + payload))) return undefined;
  const jsonLength = first.readUInt32LE(0);
  if (4 + jsonLength > payload) return undefined;
  const meta = JSON.parse(first.subarray(4, 4 + jsonLength).toString('utf8')) as Omit<CachedPlan, 'blob' | 'lookOp'> & {
    key: string;
    lookOp: number | null;
  };
  if (meta.key !== key) return undefined;
  return {
    blob: first.subarray(4 + jsonLength),
    answers: meta.answers,
    cloneFlags: meta.cloneFlags,
    execOp: meta.execOp,
    lookOp: meta.lookOp ?? undefined,
    command: meta.command,
  };
}
