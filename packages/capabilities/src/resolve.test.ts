import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { capabilityMask, formatCapabilityMask } from './mask.js';
import { CAPABILITY_NAMES } from './names.js';
import { dockerCapabilitySets, normalizeCapabilityFlag, resolveCapabilities } from './resolve.js';

const mask = (names: readonly string[]) => formatCapabilityMask(capabilityMask(names));

describe('resolveCapabilities (docker run --cap-add/--cap-drop/--privileged)', () => {
  it("defaults to Docker's set, in number order", () => {
    const caps = resolveCapabilities();
    expect(mask(caps)).toBe('00000000a80425fb');
    expect(caps[0]).toBe('CAP_CHOWN');
    expect(new Set(caps)).toEqual(new Set(DOCKER_DEFAULT_CAPABILITIES));
  });

  it('drops, then adds; names are case-insensitive with or without CAP_', () => {
    const caps = resolveCapabilities({
      add: ['net_admin', 'CAP_SYS_PTRACE', 'Sys_Time'],
      drop: ['cap_net_raw', 'MKNOD'],
    });
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).toContain('CAP_SYS_PTRACE');
    expect(caps).toContain('CAP_SYS_TIME');
    expect(caps).not.toContain('CAP_NET_RAW');
    expect(caps).not.toContain('CAP_MKNOD');
    expect(caps).toHaveLength(14 - 2 + 3);
  });

  it('--cap-add ALL keeps everything but the dropped; --cap-drop ALL keeps only the added', () => {
    expect(resolveCapabilities({ add: ['all'], drop: ['SYS_ADMIN'], lastCap: 40 })).toEqual(
      CAPABILITY_NAMES.filter((c) => c !== 'CAP_SYS_ADMIN'),
    );
    expect(resolveCapabilities({ drop: ['ALL'], add: ['chown', 'kill'] })).toEqual(['CAP_CHOWN', 'CAP_KILL']);
    expect(resolveCapabilities({ drop: ['ALL'] })).toEqual([]);
  });

  it('--privileged is every capability of the kernel, newer ones included', () => {
    expect(resolveCapabilities({ privileged: true, drop: ['ALL'], lastCap: 41 })).toEqual([
      ...CAPABILITY_NAMES,
      'CAP_41',
    ]);
  });

  it('names the flag of an unknown capability', () => {
    expect(() => resolveCapabilities({ add: ['NET_ADMIN', 'FOO'] })).toThrow('--cap-add: unknown capability "CAP_FOO"');
    expect(() => resolveCapabilities({ drop: [''] })).toThrow('--cap-drop: expected a capability name, got ""');
    expect(normalizeCapabilityFlag('cap_chown')).toBe('CAP_CHOWN');
    expect(normalizeCapabilityFlag('All')).toBe('ALL');
  });
});

describe('dockerCapabilitySets', () => {
  it('root: bounding, effective and permitted get the list; inheritable and ambient stay empty', () => {
    const sets = dockerCapabilitySets(DOCKER_DEFAULT_CAPABILITIES);
    expect(mask(sets.bounding)).toBe('00000000a80425fb');
    expect(sets.effective).toEqual(sets.bounding);
    expect(sets.permitted).toEqual(sets.bounding);
    expect(sets.inheritable).toEqual([]);
    expect(sets.ambient).toEqual([]);
  });

  it('non-root: only the bounding set, as after an execve', () => {
    const sets = dockerCapabilitySets(DOCKER_DEFAULT_CAPABILITIES, { uid: 1000 });
    expect(mask(sets.bounding)).toBe('00000000a80425fb');
    expect(sets.effective).toEqual([]);
    expect(sets.permitted).toEqual([]);
  });
});
