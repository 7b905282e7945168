import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { capabilityMask, formatCapabilityMask, namesOfMask, parseCapabilityMask } from './mask.js';
import {
  allCapabilities,
  CAP_LAST_KNOWN,
  CAPABILITY_NAMES,
  capabilityName,
  capabilityNumber,
  isCapabilityName,
  lastCap,
} from './names.js';

describe('capability names', () => {
  it('numbers every capability as linux/capability.h does', () => {
    expect(CAPABILITY_NAMES).toHaveLength(41);
    const spot: Record<string, number> = {
      CAP_CHOWN: 0,
      CAP_KILL: 5,
      CAP_SETPCAP: 8,
      CAP_NET_RAW: 13,
      CAP_SYS_ADMIN: 21,
      CAP_SYS_RESOURCE: 24,
      CAP_MKNOD: 27,
      CAP_SETFCAP: 31,
      CAP_MAC_OVERRIDE: 32,
      CAP_AUDIT_READ: 37,
      CAP_PERFMON: 38,
      CAP_BPF: 39,
      CAP_CHECKPOINT_RESTORE: 40,
    };
    for (const [name, n] of Object.entries(spot)) {
      expect(capabilityNumber(name), name).toBe(n);
      expect(capabilityName(n), name).toBe(name);
    }
    expect(CAP_LAST_KNOWN).toBe(40);
  });

  it('names capabilities newer than the table CAP_<n>, and reads those names back', () => {
    expect(capabilityName(41)).toBe('CAP_41');
    expect(capabilityNumber('CAP_41')).toBe(41);
    expect(capabilityNumber('CAP_63')).toBe(63);
    // Numeric names never alias a known capability, and stop at 63.
    expect(capabilityNumber('CAP_5')).toBeUndefined();
    expect(capabilityNumber('CAP_041')).toBeUndefined();
    expect(capabilityNumber('CAP_64')).toBeUndefined();
    expect(() => capabilityName(64)).toThrow(RangeError);
  });

  it('is exact about names: OCI spells them CAP_X', () => {
    expect(isCapabilityName('CAP_SYS_ADMIN')).toBe(true);
    expect(isCapabilityName('SYS_ADMIN')).toBe(false);
    expect(isCapabilityName('cap_sys_admin')).toBe(false);
    expect(isCapabilityName('CAP_FOO')).toBe(false);
    expect(isCapabilityName(21)).toBe(false);
  });

  it("reads the kernel's last capability and lists every capability up to it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-caps-'));
    writeFileSync(join(dir, 'cap_last_cap'), '42\n');
    expect(lastCap(join(dir, 'cap_last_cap'))).toBe(42);
    writeFileSync(join(dir, 'bad'), 'forty\n');
    expect(() => lastCap(join(dir, 'bad'))).toThrow(/expected a capability number in 0..63, got "forty"/);
    expect(() => lastCap(join(dir, 'missing'))).toThrow(/cannot read/);
    const all = allCapabilities(42);
    expect(all).toHaveLength(43);
    expect(all.slice(-3)).toEqual(['CAP_CHECKPOINT_RESTORE', 'CAP_41', 'CAP_42']);
    expect(allCapabilities(40)).toEqual([...CAPABILITY_NAMES]);
  });

  it('the running kernel reports at least the capabilities of Linux 5.9', () => {
    expect(lastCap()).toBeGreaterThanOrEqual(40);
  });
});

describe('capability masks', () => {
  it("Docker's default set is 00000000a80425fb", () => {
    expect(DOCKER_DEFAULT_CAPABILITIES).toHaveLength(14);
    expect(formatCapabilityMask(capabilityMask(DOCKER_DEFAULT_CAPABILITIES))).toBe('00000000a80425fb');
    expect(parseCapabilityMask('00000000a80425fb')).toEqual(
      [...DOCKER_DEFAULT_CAPABILITIES].sort((a, b) => (capabilityNumber(a) ?? 0) - (capabilityNumber(b) ?? 0)),
    );
  });

  it('parses the masks /proc/PID/status prints, with unknown bits as CAP_<n>', () => {
    expect(parseCapabilityMask('0000000000000000')).toEqual([]);
    expect(parseCapabilityMask('000001ffffffffff')).toEqual([...CAPABILITY_NAMES]);
    expect(parseCapabilityMask('0x0000060000000001')).toEqual(['CAP_CHOWN', 'CAP_41', 'CAP_42']);
    expect(namesOfMask(1n << 63n)).toEqual(['CAP_63']);
    expect(() => parseCapabilityMask('xyz')).toThrow(/not up to 16 hex digits/);
    expect(() => parseCapabilityMask('1ffffffffffffffff')).toThrow(/not up to 16 hex digits/);
    expect(() => capabilityMask(['CAP_NOPE'])).toThrow(/"CAP_NOPE" is not a capability/);
  });
});
