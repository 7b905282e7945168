import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Arch, Program } from '@gc/syscall';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileNormalized, compileSeccomp } from './compile.js';
import { defaultProfile } from './default-profile.js';
import { createFileFilterCache } from './file-filter-cache.js';
import type { FilterCache } from './filter-cache.js';
import { type CompiledFilterSummary, summarizeFilter } from './filter-summary.js';
import { type PlanSeccompOptions, planSeccomp } from './plan.js';
import type { SeccompProfile } from './types.js';

// Count the compiles planSeccomp makes (compileSeccomp, used for reference filters here, calls the original).
vi.mock('./compile.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./compile.js')>();
  return { ...actual, compileNormalized: vi.fn(actual.compileNormalized) };
});
const compiles = () => vi.mocked(compileNormalized).mock.calls.length;

const CAPS = ['CAP_CHOWN', 'CAP_SETUID', 'CAP_SETGID', 'CAP_SYS_CHROOT'];
const BASE: PlanSeccompOptions = { noNewPrivs: true, capabilities: CAPS, kernelVersion: '6.1.0' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-seccomp-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Plan the load then an exec, as the runtime does; the program's blob and listing, and the plan. */
function plan(profile: SeccompProfile, opts: PlanSeccompOptions = BASE, arch: Arch = 'x64') {
  const program = new Program({ arch });
  const result = planSeccomp(program, profile, opts);
  program.execvp('/bin/true', ['true'], [], 'exec true');
  return { result, blob: program.encode(), listing: program.toString() };
}

/** The filter compiled from scratch, as planSeccomp would load it. */
function reference(profile: SeccompProfile, opts: PlanSeccompOptions = BASE, arch: Arch = 'x64') {
  return summarizeFilter(compileSeccomp(profile, { ...opts, arch }));
}

const notifying: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
};

describe('planSeccomp with a filter cache', () => {
  it('plans byte-identical ops from the cache, without compiling', () => {
    for (const profile of [defaultProfile(), notifying]) {
      const uncached = plan(profile);
      const cache = createFileFilterCache(join(dir, 'cache'), { salt: 'build-1' });
      const first = plan(profile, { ...BASE, cache });
      expect(first.result.fromCache).toBe(false);
      const before = compiles();
      const second = plan(profile, { ...BASE, cache });
      expect(compiles()).toBe(before);
      expect(second.result.fromCache).toBe(true);
      expect(second.result.filter).toEqual(uncached.result.filter);
      expect(second.result.listenerFd?.index).toBe(uncached.result.listenerFd?.index);
      for (const p of [first, second]) {
        expect(p.blob).toEqual(uncached.blob);
        expect(p.listing).toBe(uncached.listing);
      }
    }
    // A fresh cache object on the same directory (a new process) reads the entries too.
    const again = plan(defaultProfile(), {
      ...BASE,
      cache: createFileFilterCache(join(dir, 'cache'), { salt: 'build-1' }),
    });
    expect(again.result.fromCache).toBe(true);
  });

  it('misses when any input of the compile changes, and then serves each its own filter', () => {
    const cache = createFileFilterCache(dir, { salt: 'a' });
    const withCache = (o: PlanSeccompOptions) => ({ ...o, cache });
    const docker = defaultProfile();
    const stricter: SeccompProfile = { ...docker, defaultErrnoRet: 38 };
    const variants: { name: string; profile: SeccompProfile; opts: PlanSeccompOptions; arch: Arch }[] = [
      { name: 'base', profile: docker, opts: BASE, arch: 'x64' },
      { name: 'profile', profile: stricter, opts: BASE, arch: 'x64' },
      {
        name: 'capabilities',
        profile: docker,
        opts: { ...BASE, capabilities: [...CAPS, 'CAP_SYS_ADMIN'] },
        arch: 'x64',
      },
      { name: 'arch', profile: docker, opts: BASE, arch: 'arm64' },
      { name: 'kernel', profile: docker, opts: { ...BASE, kernelVersion: '4.4.0' }, arch: 'x64' },
      { name: 'noNewPrivs', profile: docker, opts: { ...BASE, noNewPrivs: false }, arch: 'x64' },
      { name: 'path', profile: docker, opts: { ...BASE, path: 'seccomp' }, arch: 'x64' },
    ];
    for (const v of variants) {
      expect(plan(v.profile, withCache(v.opts), v.arch).result.fromCache, v.name).toBe(false);
    }
    for (const v of variants) {
      const { result } = plan(v.profile, withCache(v.opts), v.arch);
      expect(result.fromCache, v.name).toBe(true);
      expect(result.filter, v.name).toEqual(reference(v.profile, v.opts, v.arch));
    }
    // The filters differ where they should: the inputs are not just keyed, they matter.
    const bytes = (name: string) => {
      const v = variants.find((x) => x.name === name);
      return v && plan(v.profile, withCache(v.opts), v.arch).result.filter.bytes;
    };
    for (const name of ['profile', 'capabilities', 'arch', 'kernel']) expect(bytes(name)).not.toEqual(bytes('base'));

    // Another salt (another build of the compiler) shares nothing.
    const other = createFileFilterCache(dir, { salt: 'b' });
    expect(plan(docker, { ...BASE, cache: other }).result.fromCache).toBe(false);
    expect(plan(docker, { ...BASE, cache: other }).result.fromCache).toBe(true);
  });

  it('keys the kernel release it resolved when none is given', () => {
    const cache = createFileFilterCache(dir);
    const keys: string[] = [];
    const spy: FilterCache = {
      get: (key) => {
        keys.push(key);
        return cache.get(key);
      },
      set: (key, value) => cache.set(key, value),
    };
    plan(defaultProfile(), { noNewPrivs: false, cache: spy });
    const head = JSON.parse((keys[0] as string).split('\n')[0] as string) as unknown[];
    expect(head).toContain(release());
    expect(head).toContain('x64');
  });

  it('compares capabilities as the profile does: name, case, order and repeats do not matter', () => {
    const cache = createFileFilterCache(dir);
    plan(defaultProfile(), { ...BASE, capabilities: ['CAP_SYS_ADMIN', 'CAP_CHOWN'], cache });
    const { result } = plan(defaultProfile(), { ...BASE, capabilities: ['chown', 'sys_admin', 'SYS_ADMIN'], cache });
    expect(result.fromCache).toBe(true);
    expect(result.filter).toEqual(
      reference(defaultProfile(), { ...BASE, capabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] }),
    );
  });

  it('keys bigint argument values exactly', () => {
    const cache = createFileFilterCache(dir);
    const big = (value: bigint | number): SeccompProfile => ({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] }],
    });
    const huge = big(0xffff_ffff_0000_0001n);
    expect(plan(huge, { ...BASE, cache }).result.fromCache).toBe(false);
    expect(plan(huge, { ...BASE, cache }).result.filter).toEqual(reference(huge));
    expect(plan(huge, { ...BASE, cache }).result.fromCache).toBe(true);
    const other = big(0xffff_ffff_0000_0002n);
    expect(plan(other, { ...BASE, cache }).result.fromCache).toBe(false);
    expect(plan(big(1), { ...BASE, cache }).result.fromCache).toBe(false);
  });

  it('ignores corrupt entries, compiles, and repairs them', () => {
    const cache = createFileFilterCache(dir);
    const profile = defaultProfile();
    const good = plan(profile);
    plan(profile, { ...BASE, cache });
    const [name] = readdirSync(dir);
    const file = join(dir, name as string);
    const entry = new Uint8Array(readFileSync(file));
    const flip = (at: number) => {
      const copy = entry.slice();
      copy[at] = (copy[at] as number) ^ 0x40;
      return copy;
    };
    const corruptions: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated header', entry.subarray(0, 20)],
      ['truncated filter', entry.subarray(0, 32 + 100)],
      ['truncated key', entry.subarray(0, entry.length - 1)],
      ['one byte more', new Uint8Array([...entry, 0])],
      ['magic', flip(0)],
      ['format', flip(4)],
      ['instruction count', flip(12)],
      ['flags', flip(16)],
      ['default action', flip(25)],
      ['checksum', flip(29)],
      ['filter', flip(32 + 8 * 17 + 4)],
      ['key', flip(entry.length - 3)],
      ['garbage', new Uint8Array(entry.length).fill(0x5a)],
    ];
    for (const [what, bytes] of corruptions) {
      writeFileSync(file, bytes);
      const before = compiles();
      const replanned = plan(profile, { ...BASE, cache });
      expect(replanned.result.fromCache, what).toBe(false);
      expect(compiles(), what).toBe(before + 1);
      expect(replanned.blob, what).toEqual(good.blob);
      expect(new Uint8Array(readFileSync(file)), what).toEqual(entry);
      expect(plan(profile, { ...BASE, cache }).result.fromCache, what).toBe(true);
    }
  });

  it('plans without caching when the directory cannot be used', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const open = join(dir, 'open');
    createFileFilterCache(open).set('k', reference(defaultProfile()));
    chmodSync(open, 0o777);
    const unusable = [join(blocker, 'cache'), open];
    for (const where of unusable) {
      const cache = createFileFilterCache(where);
      for (let i = 0; i < 2; i++) {
        const before = compiles();
        const { result } = plan(defaultProfile(), { ...BASE, cache });
        expect(result.fromCache, where).toBe(false);
        expect(compiles(), where).toBe(before + 1);
      }
    }
    // The group- and world-writable directory was neither read nor written.
    expect(readdirSync(open)).toHaveLength(1);
  });

  it('plans without caching when a cache throws or returns junk', () => {
    const broken: FilterCache[] = [
      {
        get: () => {
          throw new Error('boom');
        },
        set: () => {
          throw new Error('boom');
        },
      },
      { get: () => ({ bytes: new Uint8Array(12) }) as unknown as CompiledFilterSummary, set: () => {} },
      {
        get: () => ({ ...reference(defaultProfile()), needsListener: true }),
        set: () => {},
      },
    ];
    const good = plan(defaultProfile());
    for (const cache of broken) {
      const { result, blob } = plan(defaultProfile(), { ...BASE, cache });
      expect(result.fromCache).toBe(false);
      expect(blob).toEqual(good.blob);
    }
  });

  it('takes any FilterCache, a Map for one', () => {
    const cache = new Map<string, CompiledFilterSummary>();
    expect(plan(notifying, { ...BASE, cache }).result.fromCache).toBe(false);
    expect(cache.size).toBe(1);
    const { result } = plan(notifying, { ...BASE, cache });
    expect(result.fromCache).toBe(true);
    expect(result.listenerFd).toBe(result.load);
  });

  it('does not cache a profile that fails to compile', () => {
    const cache = new Map<string, CompiledFilterSummary>();
    const bad = { defaultAction: 'SCMP_ACT_FOO' } as unknown as SeccompProfile;
    for (let i = 0; i < 2; i++) expect(() => plan(bad, { ...BASE, cache })).toThrow(/is not an action/);
    expect(cache.size).toBe(0);
  });
});

describe('createFileFilterCache', () => {
  it('makes its directory 0700 and writes entries 0600, atomically (no temporary files left)', () => {
    const where = join(dir, 'a', 'b');
    const cache = createFileFilterCache(where);
    const value = reference(defaultProfile());
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', value);
    expect(statSync(where).mode & 0o777).toBe(0o700);
    const files = readdirSync(where);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{8}\.filter$/);
    expect(statSync(join(where, files[0] as string)).mode & 0o777).toBe(0o600);
    expect(cache.get('k')).toEqual(value);
    expect(cache.get('k2')).toBeUndefined();
    cache.set('k', value);
    expect(readdirSync(where)).toEqual(files);
  });

  it('keeps entries of different salts apart', () => {
    const value = reference(defaultProfile());
    createFileFilterCache(dir, { salt: 'x' }).set('k', value);
    expect(createFileFilterCache(dir, { salt: 'x' }).get('k')).toEqual(value);
    expect(createFileFilterCache(dir, { salt: 'y' }).get('k')).toBeUndefined();
    expect(createFileFilterCache(dir).get('k')).toBeUndefined();
  });

  it.runIf(process.geteuid?.() === 0)('ignores a directory owned by another user', () => {
    const cache = createFileFilterCache(dir);
    cache.set('k', reference(defaultProfile()));
    chownSync(dir, 65534, 65534);
    expect(cache.get('k')).toBeUndefined();
  });

  it('refuses to store a malformed value', () => {
    const cache = createFileFilterCache(dir);
    cache.set('k', { ...reference(defaultProfile()), instructionCount: 3 });
    expect(readdirSync(dir)).toEqual([]);
  });
});
