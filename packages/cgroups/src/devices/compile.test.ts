// The device filter, run by the eBPF interpreter, answers every request as
// the rule list means it (deviceAllowed): for fixed cases, Docker's
// defaults, and random rule lists with random requests.
import { describe, expect, it } from 'vitest';
import { compileDeviceFilter } from './compile.js';
import { decodeInsns, encodeInsns } from './ebpf.js';
import { type DeviceRequest, deviceAllowed } from './evaluate.js';
import { deviceContext, runBpf } from './interpreter.js';
import { ACCESS_ALL, accessBits, type DeviceRule, normalizeDeviceRules } from './rule.js';

/** mulberry32: a failing case replays from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function filterAllows(rules: readonly DeviceRule[], req: DeviceRequest): boolean {
  // Through the bytes the kernel gets, so the encoding is checked too.
  const insns = decodeInsns(encodeInsns(compileDeviceFilter(rules)));
  const r0 = runBpf(insns, deviceContext(req));
  expect([0, 1]).toContain(r0);
  return r0 === 1;
}

const rule = (text: string, allow = true): DeviceRule => {
  const [type, nums, access] = text.split(' ') as [string, string, string];
  const [major, minor] = nums.split(':').map((n) => (n === '*' ? undefined : Number(n)));
  return { allow, type: type as DeviceRule['type'], major, minor, access: accessBits(access) as number };
};
const req = (type: 'b' | 'c', major: number, minor: number, access: string): DeviceRequest => ({
  type,
  major,
  minor,
  access: accessBits(access) as number,
});

describe('compileDeviceFilter', () => {
  it('denies everything for an empty list, and allows everything for a *:* rwm', () => {
    expect(filterAllows([], req('c', 1, 3, 'r'))).toBe(false);
    expect(filterAllows([rule('a *:* rwm')], req('b', 8, 0, 'rw'))).toBe(true);
    expect(filterAllows([rule('a *:* rwm'), rule('c 4:1 rw', false)], req('c', 4, 1, 'r'))).toBe(false);
    expect(filterAllows([rule('a *:* rwm'), rule('c 4:1 rw', false)], req('c', 4, 1, 'm'))).toBe(true);
  });

  it("Docker's defaults: mknod of anything, open of the usual nodes only", () => {
    const docker = [
      rule('a *:* rwm', false),
      rule('c *:* m'),
      rule('b *:* m'),
      ...['1:3', '1:5', '1:7', '1:8', '1:9', '5:0', '5:1', '5:2', '136:*', '10:200'].map((n) => rule(`c ${n} rwm`)),
    ];
    expect(filterAllows(docker, req('c', 4, 1, 'm'))).toBe(true);
    expect(filterAllows(docker, req('c', 4, 1, 'rw'))).toBe(false);
    expect(filterAllows(docker, req('c', 10, 229, 'r'))).toBe(false);
    expect(filterAllows(docker, req('c', 1, 11, 'w'))).toBe(false);
    expect(filterAllows(docker, req('c', 1, 3, 'rw'))).toBe(true);
    expect(filterAllows(docker, req('c', 136, 7, 'rw'))).toBe(true);
    expect(filterAllows(docker, req('b', 8, 0, 'r'))).toBe(false);
  });

  it('decides per access bit: a later deny of w leaves r', () => {
    const rules = [rule('c 1:3 rw'), rule('c 1:3 w', false)];
    expect(filterAllows(rules, req('c', 1, 3, 'r'))).toBe(true);
    expect(filterAllows(rules, req('c', 1, 3, 'w'))).toBe(false);
    expect(filterAllows(rules, req('c', 1, 3, 'rw'))).toBe(false);
  });

  it('matches the rule list for random rules and requests', () => {
    const seeds = 400;
    for (let seed = 1; seed <= seeds; seed++) {
      const rnd = random(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
      // Few distinct numbers, so rules and requests collide often.
      const num = () => (rnd() < 0.3 ? undefined : pick([0, 1, 3, 5, 136, 229, 4095]));
      const rules: DeviceRule[] = Array.from({ length: Math.floor(rnd() * 12) }, () => ({
        allow: rnd() < 0.6,
        type: pick(['a', 'b', 'c'] as const),
        major: num(),
        minor: num(),
        access: 1 + Math.floor(rnd() * ACCESS_ALL),
      }));
      const insns = decodeInsns(encodeInsns(compileDeviceFilter(rules)));
      for (let k = 0; k < 50; k++) {
        const r: DeviceRequest = {
          type: pick(['b', 'c'] as const),
          major: num() ?? Math.floor(rnd() * 4096),
          minor: num() ?? Math.floor(rnd() * 4096),
          // Now and then a bit the kernel does not send today: refused unless a rule... no rule has it.
          access: rnd() < 0.05 ? 8 | Math.floor(rnd() * 8) : 1 + Math.floor(rnd() * ACCESS_ALL),
        };
        const want = deviceAllowed(rules, r);
        const got = runBpf(insns, deviceContext(r)) === 1;
        if (got !== want) {
          throw new Error(
            `seed ${seed}: ${JSON.stringify(r)} with ${JSON.stringify(rules)}: filter ${got}, rules ${want}`,
          );
        }
      }
    }
  });

  it('the interpreter refuses what the verifier would', () => {
    const ctx = deviceContext(req('c', 1, 3, 'r'));
    expect(() => runBpf([{ code: 0xb4, dst: 0, src: 0, off: 0, imm: 1 }], ctx)).toThrow(/outside the program/);
    expect(() => runBpf([{ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }], ctx)).toThrow(/R0 is read before/);
    expect(() => runBpf([{ code: 0x61, dst: 2, src: 1, off: 12, imm: 0 }], ctx)).toThrow(/outside the context/);
    expect(() => runBpf([{ code: 0x05, dst: 0, src: 0, off: -1, imm: 0 }], ctx)).toThrow(/backward jump/);
  });
});

describe('normalizeDeviceRules', () => {
  it('fills in OCI defaults and names the field of a bad rule', () => {
    expect(normalizeDeviceRules([{ allow: false }])).toEqual([
      { allow: false, type: 'a', major: undefined, minor: undefined, access: ACCESS_ALL },
    ]);
    expect(normalizeDeviceRules([{ allow: true, type: 'c', major: -1, minor: 3, access: 'rw' }])[0]).toMatchObject({
      major: undefined,
      minor: 3,
    });
    expect(() => normalizeDeviceRules([{ allow: true }, { allow: true, type: 'x' }])).toThrow(
      'linux.resources.devices[1].type: expected "a", "b" or "c", got "x"',
    );
    expect(() => normalizeDeviceRules([{ allow: true, access: 'rx' }])).toThrow(
      'linux.resources.devices[0].access: expected some of "rwm"',
    );
    expect(() => normalizeDeviceRules([{ allow: true, major: 5000 }])).toThrow(
      'linux.resources.devices[0].major: expected an integer from 0 to 4095',
    );
  });
});
