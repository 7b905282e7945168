import { GcError } from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import type { NamespaceSpec, NamespaceType } from './types.js';
import { type NamespaceInput, validateNamespaceInput } from './validate.js';

function errorOf(input: NamespaceInput): GcError {
  try {
    validateNamespaceInput(input);
  } catch (error) {
    if (GcError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GcError');
}

const map = (containerID: number, hostID: number, size: number) => ({ containerID, hostID, size });

describe('validateNamespaceInput', () => {
  it('accepts a full, valid config', () => {
    expect(() =>
      validateNamespaceInput({
        namespaces: [{ type: 'user' }, { type: 'time' }, { type: 'network', path: '/run/netns/x' }],
        uidMappings: [map(0, 100000, 1000), map(1000, 1000, 1)],
        gidMappings: [map(0, 100000, 65536)],
        timeOffsets: { boottime: { secs: -5, nanosecs: 999_999_999 } },
      }),
    ).not.toThrow();
  });

  it('names the index of an unknown type and lists the valid ones', () => {
    const e = errorOf({ namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'foo' } as unknown as NamespaceSpec] });
    expect(e.code).toBe('EINVAL_CONFIG');
    expect(e.message).toBe(
      'linux.namespaces[2].type: "foo" is not a namespace type (mount, uts, ipc, pid, network, cgroup, user, time)',
    );
  });

  it('refuses duplicates, relative paths and a non-array', () => {
    expect(errorOf({ namespaces: [{ type: 'pid' }, { type: 'pid', path: '/x' }] }).message).toBe(
      'linux.namespaces[1].type: "pid" is listed twice (also linux.namespaces[0])',
    );
    expect(errorOf({ namespaces: [{ type: 'network', path: 'proc/1/ns/net' }] }).message).toBe(
      'linux.namespaces[0].path: "proc/1/ns/net" is not an absolute path',
    );
    expect(errorOf({ namespaces: {} as unknown as NamespaceSpec[] }).message).toBe(
      'linux.namespaces: expected an array',
    );
  });

  it('joinProcess: a pidfd and a non-empty list of types, none also in linux.namespaces', () => {
    expect(() =>
      validateNamespaceInput({
        namespaces: [{ type: 'mount' }, { type: 'pid', path: '/proc/1/ns/pid' }],
        joinProcess: { pidfd: 3, types: ['uts', 'network'] },
      }),
    ).not.toThrow();
    expect(errorOf({ namespaces: [], joinProcess: { pidfd: -1, types: ['uts'] } }).message).toBe(
      'joinProcess.pidfd: -1 is not an fd number',
    );
    expect(errorOf({ namespaces: [], joinProcess: { pidfd: 3, types: [] } }).message).toBe(
      'joinProcess.types: expected a non-empty array of namespace types',
    );
    expect(errorOf({ namespaces: [], joinProcess: { pidfd: 3, types: ['uts', 'net' as NamespaceType] } }).message).toBe(
      'joinProcess.types[1]: "net" is not a namespace type (mount, uts, ipc, pid, network, cgroup, user, time)',
    );
    expect(errorOf({ namespaces: [], joinProcess: { pidfd: 3, types: ['uts', 'uts'] } }).message).toBe(
      'joinProcess.types[1]: "uts" is listed twice (also joinProcess.types[0])',
    );
    expect(
      errorOf({ namespaces: [{ type: 'mount' }, { type: 'uts' }], joinProcess: { pidfd: 3, types: ['uts'] } }).message,
    ).toBe('joinProcess.types[0]: "uts" is also in linux.namespaces[1]: a namespace is new, or joined one way');
  });

  it('joinProcess: its user namespace satisfies id mappings (unused, as with a path); its time namespace takes no offsets', () => {
    expect(() =>
      validateNamespaceInput({
        namespaces: [],
        joinProcess: { pidfd: 3, types: ['user'] },
        uidMappings: [map(0, 1000, 1)],
      }),
    ).not.toThrow();
    expect(
      errorOf({
        namespaces: [],
        joinProcess: { pidfd: 3, types: ['time'] },
        timeOffsets: { boottime: { secs: 1, nanosecs: 0 } },
      }).message,
    ).toBe('linux.timeOffsets: time offsets cannot be set on the time namespace joined by joinProcess');
  });

  it('refuses id mappings without a user namespace', () => {
    expect(errorOf({ namespaces: [{ type: 'pid' }], gidMappings: [map(0, 0, 1)] }).message).toBe(
      'linux.gidMappings: id mappings need a user namespace: add {"type": "user"} to linux.namespaces',
    );
  });

  it('refuses overlapping and malformed mappings', () => {
    const ns: NamespaceSpec[] = [{ type: 'user' }];
    expect(errorOf({ namespaces: ns, uidMappings: [map(0, 1000, 10), map(5, 5000, 1)] }).message).toBe(
      'linux.uidMappings[1]: its containerID range overlaps linux.uidMappings[0]',
    );
    expect(errorOf({ namespaces: ns, uidMappings: [map(0, 1000, 10), map(10, 1009, 1)] }).message).toBe(
      'linux.uidMappings[1]: its hostID range overlaps linux.uidMappings[0]',
    );
    expect(errorOf({ namespaces: ns, uidMappings: [map(0, 0, 0)] }).message).toBe(
      'linux.uidMappings[0].size: must be at least 1',
    );
    expect(errorOf({ namespaces: ns, gidMappings: [map(-1, 0, 1)] }).message).toBe(
      'linux.gidMappings[0].containerID: -1 is not an integer in 0..4294967295',
    );
    expect(errorOf({ namespaces: ns, gidMappings: [map(4294967295, 0, 2)] }).message).toBe(
      'linux.gidMappings[0]: containerID 4294967295 + size 2 runs past 4294967295',
    );
    const many = Array.from({ length: 341 }, (_, i) => map(i, i, 1));
    expect(errorOf({ namespaces: ns, uidMappings: many }).message).toBe(
      'linux.uidMappings: 341 mappings, the kernel takes at most 340',
    );
  });

  it('refuses time offsets without a new time namespace, and malformed ones', () => {
    const offsets = { monotonic: { secs: 1, nanosecs: 0 } };
    expect(errorOf({ namespaces: [], timeOffsets: offsets }).message).toBe(
      'linux.timeOffsets: time offsets need a new time namespace: add {"type": "time"} to linux.namespaces',
    );
    expect(errorOf({ namespaces: [{ type: 'time', path: '/proc/1/ns/time' }], timeOffsets: offsets }).message).toBe(
      'linux.timeOffsets: time offsets cannot be set on the joined time namespace /proc/1/ns/time',
    );
    expect(
      errorOf({ namespaces: [{ type: 'time' }], timeOffsets: { boottime: { secs: 1, nanosecs: 1e9 } } }).message,
    ).toBe('linux.timeOffsets.boottime.nanosecs: 1000000000 is not an integer in 0..999999999');
    expect(
      errorOf({ namespaces: [{ type: 'time' }], timeOffsets: { realtime: { secs: 1, nanosecs: 0 } } as never }).message,
    ).toBe('linux.timeOffsets.realtime: is not a clock of a time namespace (monotonic, boottime)');
    // No offset at all needs no namespace.
    expect(() => validateNamespaceInput({ namespaces: [], timeOffsets: {} })).not.toThrow();
  });
});
