import { attachDeviceFilter } from '../devices/attach.js';
import { accessText, deviceRuleLine, normalizeDeviceRules } from '../devices/rule.js';
import { v1DeviceWrites, v1Divergence } from '../devices/v1-semantics.js';
import { unsupported } from '../errors.js';
import type { Controller } from './controller.js';

const F = 'linux.resources.devices';
const TYPE_NAMES = { b: 'block', c: 'character' } as const;

/**
 * OCI `linux.resources.devices`, when given (absent: no device control):
 * rules in order, the last match wins, default deny (see `deviceAllowed`).
 * v1: `devices.deny a`, then a devices.allow or devices.deny line per rule.
 * v2 has no files for it: an eBPF program attached to the cgroup.
 */
export const devicesController: Controller = {
  v1: 'devices',
  v2: undefined,
  fields: (r) => (r.devices ? [F] : []),
  applyV1: (dir, r) => {
    const rules = normalizeDeviceRules(r.devices ?? [], F);
    const differs = v1Divergence(rules);
    if (differs) {
      const { type, major, minor, access } = differs;
      throw unsupported(
        F,
        `cgroup v1's devices controller would decide ${TYPE_NAMES[type]} device ${major}:${minor} (${accessText(access)}) ` +
          'otherwise than the rules say: there, a rule only narrows an earlier rule of the same type, major and minor',
      );
    }
    for (const { allow, rule } of v1DeviceWrites(rules)) {
      dir.write(allow ? 'devices.allow' : 'devices.deny', rule === 'a' ? 'a' : deviceRuleLine(rule), F);
    }
  },
  applyV2: (dir, r, kernel) => {
    const rules = normalizeDeviceRules(r.devices ?? [], F);
    const fd = dir.fs.openDir(dir.path);
    try {
      attachDeviceFilter(kernel(), fd, rules, dir.path);
    } finally {
      dir.fs.close(fd);
    }
  },
};
