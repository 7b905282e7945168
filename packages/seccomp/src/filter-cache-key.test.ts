import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from './default-profile.js';
import { type FilterKeyInputs, filterCacheKey } from './filter-cache-key.js';
import type { SeccompProfile } from './types.js';
import { SECCOMP_VERSION } from './version.js';

const INPUTS: FilterKeyInputs = {
  arch: 'x64',
  capabilities: ['sys_admin', 'CAP_CHOWN', 'CAP_SYS_ADMIN'],
  kernelVersion: '6.1.0-18-amd64',
  path: 'linux.seccomp',
  noNewPrivs: true,
};
const head = (key: string | undefined) => JSON.parse((key as string).slice(0, (key as string).indexOf('\n')));

describe('filterCacheKey', () => {
  it("is a line of the compile's inputs, then the profile's JSON", () => {
    const profile = defaultProfile();
    const key = filterCacheKey(profile, INPUTS) as string;
    expect(head(key)).toEqual([
      'gc-seccomp-filter-key/1',
      SECCOMP_VERSION,
      'json',
      'x64',
      '6.1.0-18-amd64',
      ['CAP_CHOWN', 'CAP_SYS_ADMIN'],
      true,
      'linux.seccomp',
    ]);
    expect(key.slice(key.indexOf('\n') + 1)).toBe(JSON.stringify(profile));
  });

  it('carries the version of the package as built', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SECCOMP_VERSION).toBe(pkg.version);
  });

  it('tells bigint values from numbers and strings', () => {
    const profile = (value: unknown, comment?: unknown) =>
      ({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }], comment },
        ],
      }) as unknown as SeccompProfile;
    const keys = [
      filterCacheKey(profile(5n), INPUTS),
      filterCacheKey(profile(5), INPUTS),
      filterCacheKey(profile('5'), INPUTS),
      filterCacheKey(profile('b5'), INPUTS),
      filterCacheKey(profile(5n, 'b5'), INPUTS),
      filterCacheKey(profile(5n, 5n), INPUTS),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(head(keys[0])[2]).toBe('tagged');
    expect(head(keys[1])[2]).toBe('json');
  });

  it('gives none for what has no JSON text, or capabilities that are not strings', () => {
    const cyclic: Record<string, unknown> = { defaultAction: 'SCMP_ACT_ALLOW' };
    cyclic.self = cyclic;
    expect(filterCacheKey(cyclic as unknown as SeccompProfile, INPUTS)).toBeUndefined();
    expect(filterCacheKey(undefined as unknown as SeccompProfile, INPUTS)).toBeUndefined();
    expect(filterCacheKey(defaultProfile(), { ...INPUTS, capabilities: [1 as unknown as string] })).toBeUndefined();
  });
});
