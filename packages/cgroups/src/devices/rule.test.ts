import { describe, expect, it } from 'vitest';
import { parseDeviceCgroupRule } from './rule.js';

describe('parseDeviceCgroupRule', () => {
  it('reads TYPE MAJOR:MINOR ACCESS as an allow rule', () => {
    expect(parseDeviceCgroupRule('c 13:* rmw', '--device-cgroup-rule')).toEqual({
      allow: true,
      type: 'c',
      major: 13,
      access: 'rmw',
    });
    expect(parseDeviceCgroupRule('a *:* m', '--device-cgroup-rule')).toEqual({ allow: true, type: 'a', access: 'm' });
  });

  it('names the option and the rule in its errors', () => {
    const syntax =
      'expected TYPE MAJOR:MINOR ACCESS (type a, b or c; major and minor a number or *; access some of rwm)';
    for (const bad of ['x 1:2 r', 'c 1:2', 'c 1 r', 'c 1:2 rx', 'c -1:2 r', '']) {
      expect(() => parseDeviceCgroupRule(bad, '--device-cgroup-rule')).toThrow(
        `--device-cgroup-rule: ${JSON.stringify(bad)}: ${syntax}`,
      );
    }
    expect(() => parseDeviceCgroupRule('c 4096:1 r', '--device-cgroup-rule')).toThrow(
      '--device-cgroup-rule: "c 4096:1 r": the major 4096 is above 4095',
    );
  });
});
