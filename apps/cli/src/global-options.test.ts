import { describe, expect, it } from 'vitest';
import { parseGlobalOptions } from './global-options.js';

describe('parseGlobalOptions', () => {
  it('takes --root DIR and --root=DIR before the command, and leaves the rest', () => {
    expect(parseGlobalOptions(['--root', '/tmp/r', 'run', '--rootfs', '/x', '/bin/sh'])).toEqual({
      global: { root: '/tmp/r' },
      rest: ['run', '--rootfs', '/x', '/bin/sh'],
    });
    expect(parseGlobalOptions(['--root=/tmp/r', 'run'])).toEqual({ global: { root: '/tmp/r' }, rest: ['run'] });
    expect(parseGlobalOptions(['run', '--root', '/tmp/r'])).toEqual({ global: {}, rest: ['run', '--root', '/tmp/r'] });
  });

  it('refuses a missing or relative directory, naming the option', () => {
    expect(() => parseGlobalOptions(['--root'])).toThrow('--root: expected an absolute directory path, got ""');
    expect(() => parseGlobalOptions(['--root', 'rel', 'run'])).toThrow(
      '--root: expected an absolute directory path, got "rel"',
    );
  });
});
