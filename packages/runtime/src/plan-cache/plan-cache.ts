import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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
}

// An entry: 'GCPC', format, checksum (hash32 of what follows), length of the
// JSON part, the JSON part ({ key, answers, cloneFlags, execOp, lookOp,
// command }), then the blob.
const MAGIC = 0x43504347;
const FORMAT = 1;
const HEADER = 16;

/**
 * A PlanCache in `dir`, one file per key: `<hash32 of salt + key>.plan`.
 * Every entry holds its full key, compared on read, and a checksum, so a
 * colliding name, a truncated or corrupt file or an entry of another salt
 * reads as a miss. As the seccomp filter cache: `dir` is made on the first
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
      `${hash32(Buffer.from(salted(key)))
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

function usableDir(dir: string): boolean {
  const st = statSync(dir);
  const uid = process.geteuid?.();
  return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

function encodeEntry(value: CachedPlan, key: string): Buffer {
  const { blob, ...rest } = value;
  const json = Buffer.from(JSON.stringify({ key, ...rest, lookOp: rest.lookOp ?? null }));
  const out = Buffer.alloc(HEADER + json.length + blob.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT, 4);
  out.writeUInt32LE(json.length, 12);
  json.copy(out, HEADER);
  out.set(blob, HEADER + json.length);
  out.writeUInt32LE(hash32(out.subarray(12)), 8);
  return out;
}

function decodeEntry(entry: Buffer, key: string): CachedPlan | undefined {
  if (entry.length < HEADER || entry.readUInt32LE(0) !== MAGIC || entry.readUInt32LE(4) !== FORMAT) return undefined;
  if (hash32(entry.subarray(12)) !== entry.readUInt32LE(8)) return undefined;
  const jsonLength = entry.readUInt32LE(12);
  if (HEADER + jsonLength > entry.length) return undefined;
  const meta = JSON.parse(entry.subarray(HEADER, HEADER + jsonLength).toString('utf8')) as Omit<
    CachedPlan,
    'blob' | 'lookOp'
  > & { key: string; lookOp: number | null };
  if (meta.key !== key) return undefined;
  return {
    blob: entry.subarray(HEADER + jsonLength),
    answers: meta.answers,
    cloneFlags: meta.cloneFlags,
    execOp: meta.execOp,
    lookOp: meta.lookOp ?? undefined,
    command: meta.command,
  };
}
