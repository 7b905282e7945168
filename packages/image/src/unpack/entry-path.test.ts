import { describe, expect, it } from 'vitest';
import { entryPath, splitPath } from './entry-path.js';

describe('entryPath', () => {
  it('cleans names as Docker does: absolute names from the root, relative ones that climb out refused', () => {
    expect(entryPath('./usr/bin/')).toBe('usr/bin');
    expect(entryPath('usr//lib/./x')).toBe('usr/lib/x');
    expect(entryPath('/etc/passwd')).toBe('etc/passwd');
    expect(entryPath('/../../etc/x')).toBe('etc/x');
    expect(entryPath('a/b/../c')).toBe('a/c');
    expect(entryPath('./')).toBe('');
    expect(entryPath('../x')).toBeUndefined();
    expect(entryPath('a/../../x')).toBeUndefined();
    // Names starting with dots that are not `.` or `..`.
    expect(entryPath('..a/.b/...')).toBe('..a/.b/...');
    expect(entryPath('.wh..wh..opq')).toBe('.wh..wh..opq');
    expect(entryPath('a/.')).toBe('a');
    expect(entryPath('a/..')).toBe('');
    expect(entryPath('x//')).toBe('x');
  });

  it('splits a path into parent and name', () => {
    expect(splitPath('a/b/c')).toEqual(['a/b', 'c']);
    expect(splitPath('c')).toEqual(['', 'c']);
  });
});
