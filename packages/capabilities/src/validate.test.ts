import { describe, expect, it } from 'vitest';
import { validateCapabilities } from './validate.js';

describe('validateCapabilities', () => {
  it('fills missing sets, removes duplicates and orders by number', () => {
    expect(
      validateCapabilities({
        bounding: ['CAP_KILL', 'CAP_CHOWN', 'CAP_KILL'],
        effective: ['CAP_KILL'],
        permitted: ['CAP_KILL', 'CAP_CHOWN'],
      }),
    ).toEqual({
      bounding: ['CAP_CHOWN', 'CAP_KILL'],
      effective: ['CAP_KILL'],
      permitted: ['CAP_CHOWN', 'CAP_KILL'],
      inheritable: [],
      ambient: [],
    });
    expect(validateCapabilities({})).toEqual({
      bounding: [],
      effective: [],
      permitted: [],
      inheritable: [],
      ambient: [],
    });
  });

  it('names the field and index of a name that is not a capability', () => {
    expect(() => validateCapabilities({ bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID', 'CAP_FOO'] })).toThrow(
      'process.capabilities.bounding[3]: "CAP_FOO" is not a capability',
    );
    expect(() => validateCapabilities({ ambient: [7] })).toThrow(
      'process.capabilities.ambient[0]: 7 is not a capability',
    );
    expect(() => validateCapabilities({ effective: ['net_admin'] })).toThrow(
      'process.capabilities.effective[0]: "net_admin" is not a capability (did you mean "CAP_NET_ADMIN"?)',
    );
    expect(() => validateCapabilities({ bounding: 'CAP_KILL' })).toThrow(
      'process.capabilities.bounding: expected an array of capability names, got "CAP_KILL"',
    );
    expect(() => validateCapabilities({ bonding: [] })).toThrow('process.capabilities.bonding: not a capability set');
    expect(() => validateCapabilities(null)).toThrow(
      'process.capabilities: expected an object of capability sets, got null',
    );
    expect(() => validateCapabilities([], 'caps')).toThrow('caps: expected an object');
  });

  it('refuses sets the kernel would refuse, naming the entry', () => {
    expect(() => validateCapabilities({ effective: ['CAP_KILL'], permitted: [] })).toThrow(
      'process.capabilities.effective[0]: "CAP_KILL" is not in process.capabilities.permitted: capset(2) refuses',
    );
    expect(() => validateCapabilities({ bounding: ['CAP_KILL'], inheritable: ['CAP_KILL', 'CAP_CHOWN'] })).toThrow(
      'process.capabilities.inheritable[1]: "CAP_CHOWN" is not in process.capabilities.bounding',
    );
  });

  it("drops an ambient capability the kernel would not raise (not permitted and inheritable), as runc does: `runc spec`'s config has them", () => {
    const sets = validateCapabilities({
      bounding: ['CAP_KILL', 'CAP_CHOWN'],
      permitted: ['CAP_KILL', 'CAP_CHOWN'],
      inheritable: ['CAP_CHOWN'],
      ambient: ['CAP_KILL', 'CAP_CHOWN'],
    });
    expect(sets.ambient).toEqual(['CAP_CHOWN']);
    expect(
      validateCapabilities({ bounding: ['CAP_KILL'], permitted: ['CAP_KILL'], ambient: ['CAP_KILL'] }).ambient,
    ).toEqual([]);
  });
});
