import {
  MOUNT_ATTR__ATIME,
  MOUNT_ATTR_NOATIME,
  MOUNT_ATTR_NODEV,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_RDONLY,
  MOUNT_ATTR_STRICTATIME,
  MS_PRIVATE,
  MS_SHARED,
  MS_SLAVE,
} from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import { MOUNT_OPTIONS, parseMount } from './mount-options.js';

describe('parseMount', () => {
  it('sorts a bind mount into top and recursive attributes and a propagation', () => {
    const parsed = parseMount(
      { destination: '/mnt/', type: 'bind', source: '/data', options: ['rbind', 'ro', 'nosuid', 'rnodev', 'rslave'] },
      0,
    );
    expect(parsed).toMatchObject({
      kind: 'bind',
      destination: '/mnt',
      source: '/data',
      recursive: true,
      attr: { set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, clear: 0 },
      recursiveAttr: { set: MOUNT_ATTR_NODEV, clear: 0 },
      propagation: { flag: MS_SLAVE, recursive: true },
    });
  });

  it('lets a later option win, and clears the whole atime field for an atime mode', () => {
    const parsed = parseMount({ destination: '/m', source: '/s', options: ['bind', 'ro', 'rw', 'noatime'] }, 0);
    expect(parsed.kind === 'bind' && parsed.attr).toEqual({
      set: MOUNT_ATTR_NOATIME,
      clear: MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME,
      propagation: 0,
    });
  });

  it('turns filesystem options into fsconfig params and mount flags into fsmount attributes', () => {
    const parsed = parseMount(
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k', 'private'],
      },
      1,
    );
    expect(parsed).toMatchObject({
      kind: 'fs',
      fstype: 'tmpfs',
      params: [
        { key: 'mode', value: '755' },
        { key: 'size', value: '65536k' },
      ],
      attrFlags: MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME,
      propagation: { flag: MS_PRIVATE, recursive: false },
    });
  });

  it('passes the options of an unknown filesystem through, and ignores x- options', () => {
    const parsed = parseMount(
      { destination: '/x', type: 'fuse.sshfs', options: ['allow_other', 'uid=5', 'x-systemd.automount', 'rshared'] },
      0,
    );
    expect(parsed).toMatchObject({
      kind: 'fs',
      source: 'fuse.sshfs',
      params: [{ key: 'allow_other' }, { key: 'uid', value: '5' }],
      propagation: { flag: MS_SHARED, recursive: true },
    });
  });

  it('names the mount and the option in its errors', () => {
    expect(() => parseMount({ destination: '/m', source: '/s', options: ['bind', 'bogus'] }, 3)).toThrow(
      'mounts[3].options[1]: "bogus" is not a mount option (ro, rw, bind, rbind, nosuid,',
    );
    expect(() => parseMount({ destination: '/t', type: 'tmpfs', options: ['sise=1m'] }, 2)).toThrow(
      /mounts\[2\]\.options\[0\]: "sise=1m" is not a mount option .* nor a tmpfs option \(size=, mode=, uid=, gid=, nr_inodes=/,
    );
    expect(() => parseMount({ destination: '/t', type: 'tmpfs', options: ['size'] }, 0)).toThrow(
      'mounts[0].options[0]: "size" needs a value (size=...)',
    );
    expect(() => parseMount({ destination: '/p', type: 'proc', options: ['constructor'] }, 0)).toThrow(/"constructor"/);
    expect(() => parseMount({ destination: 'rel', type: 'proc' }, 4)).toThrow(
      'mounts[4].destination: "rel" is not absolute',
    );
    expect(() => parseMount({ destination: '/', type: 'tmpfs' }, 0)).toThrow(
      'mounts[0].destination: cannot mount over /',
    );
    expect(() => parseMount({ destination: '/m', type: 'bind', source: 'data' }, 1)).toThrow(
      'mounts[1].source: a bind mount needs an absolute host path, got "data"',
    );
    expect(() => parseMount({ destination: '/m' }, 5)).toThrow('mounts[5].type: nothing is not a filesystem type');
    try {
      parseMount({ destination: '/m', source: '/s', options: ['bind', 'bogus'] }, 0);
    } catch (error) {
      expect(error).toMatchObject({ name: 'GcError', code: 'EROOTFS_OPTION' });
    }
  });
});

describe('MOUNT_OPTIONS', () => {
  it('lists each option parseMount takes on a bind mount or a tmpfs, and no other', () => {
    const takes = (options: string[]): boolean => {
      try {
        parseMount({ destination: '/m', source: '/s', options: ['bind', ...options] }, 0);
        return true;
      } catch {
        try {
          parseMount({ destination: '/m', type: 'tmpfs', source: 'tmpfs', options }, 0);
          return true;
        } catch {
          return false;
        }
      }
    };
    expect(MOUNT_OPTIONS.filter((o) => !takes([o]))).toEqual([]);
    expect(MOUNT_OPTIONS).toContain('rro');
    expect(MOUNT_OPTIONS).toEqual([...MOUNT_OPTIONS].sort());
    expect(takes(['rfrobnicate'])).toBe(false);
  });
});
