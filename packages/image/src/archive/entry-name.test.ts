import { describe, expect, it } from 'vitest';
import { cleanEntryName, symlinkTarget } from './entry-name.js';

describe('cleanEntryName', () => {
  it('drops ./, empty parts and a trailing slash', () => {
    expect(cleanEntryName('./blobs//sha256/')).toBe('blobs/sha256');
    expect(cleanEntryName('manifest.json')).toBe('manifest.json');
  });

  it('refuses absolute names, .. anywhere and NUL', () => {
    expect(cleanEntryName('/etc/passwd')).toBeUndefined();
    expect(cleanEntryName('a/../b')).toBeUndefined();
    expect(cleanEntryName('..')).toBeUndefined();
    expect(cleanEntryName('a\0b')).toBeUndefined();
  });
});

describe('symlinkTarget', () => {
  it("resolves a target against the link's directory", () => {
    expect(symlinkTarget('abc/layer.tar', '../def.tar')).toBe('def.tar');
    expect(symlinkTarget('a/b/c', './d/../e')).toBe('a/b/e');
  });

  it('refuses a target that is absolute or climbs above the root', () => {
    expect(symlinkTarget('blobs', '/etc')).toBeUndefined();
    expect(symlinkTarget('blobs', '../etc')).toBeUndefined();
    expect(symlinkTarget('a/b', '../../x')).toBeUndefined();
  });
});
