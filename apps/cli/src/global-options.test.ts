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

  it('takes --data-root DIR for the image store, absolute only', () => {
    expect(parseGlobalOptions(['--data-root', '/srv/gc', '--root=/r', 'images'])).toEqual({
      global: { dataRoot: '/srv/gc', root: '/r' },
      rest: ['images'],
    });
    expect(() => parseGlobalOptions(['--data-root', 'rel', 'images'])).toThrow(
      '--data-root: expected an absolute directory path, got "rel"',
    );
  });

  it('refuses a missing or relative directory, naming the option', () => {
    expect(() => parseGlobalOptions(['--root'])).toThrow('--root: expected an absolute directory path, got ""');
    expect(() => parseGlobalOptions(['--root', 'rel', 'run'])).toThrow(
      '--root: expected an absolute directory path, got "rel"',
    );
  });

  it("takes runc's --log, --log-format and --debug, in any order, in both forms", () => {
    expect(
      parseGlobalOptions(['--debug', '--log', '/run/x/log.json', '--log-format=json', '--root', '/r', 'create', 'id']),
    ).toEqual({
      global: { debug: true, log: '/run/x/log.json', logFormat: 'json', root: '/r' },
      rest: ['create', 'id'],
    });
    expect(parseGlobalOptions(['--log=rel.log', '--log-format', 'text', 'state'])).toEqual({
      global: { log: 'rel.log', logFormat: 'text' },
      rest: ['state'],
    });
    // After the command, they are the command's.
    expect(parseGlobalOptions(['run', '--debug'])).toEqual({ global: {}, rest: ['run', '--debug'] });
  });

  it('refuses a bad --log or --log-format, naming the option and what it takes', () => {
    expect(() => parseGlobalOptions(['--log'])).toThrow('--log: expected a file path, got ""');
    expect(() => parseGlobalOptions(['--log=', 'run'])).toThrow('--log: expected a file path, got ""');
    expect(() => parseGlobalOptions(['--log-format', 'yaml', 'run'])).toThrow(
      '--log-format: expected text or json, got "yaml"',
    );
    expect(() => parseGlobalOptions(['--log-format'])).toThrow('--log-format: expected text or json, got ""');
  });

  it('notes --systemd-cgroup (main refuses it once the log is open)', () => {
    expect(parseGlobalOptions(['--systemd-cgroup', 'create', 'id'])).toEqual({
      global: { systemdCgroup: true },
      rest: ['create', 'id'],
    });
  });
});
