// Randomized: for random profiles and random calls, the compiled filter run by
// the BPF interpreter returns what the profile says (evaluateProfile).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSeccomp } from './compile.js';
import { SECCOMP_OPERATORS } from './constants.js';
import { defaultProfile } from './default-profile.js';
import { evaluateProfile } from './evaluate.js';
import { runFilter } from './interpreter.js';
import { SYSCALL_TABLES, type TableArch } from './syscall-tables.js';
import { AUDIT_OF, random } from './test-support.js';
import type { SeccompProfile, SeccompSyscall } from './types.js';

const ACTIONS = [
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_LOG',
  'SCMP_ACT_TRACE',
];
const ARCH_NAMES = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
const INTERESTING = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 1n << 63n, (1n << 64n) - 1n];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function randomU64(rnd: () => number): bigint {
  if (rnd() < 0.5) return BigInt.asUintN(64, pick(rnd, INTERESTING) + BigInt(Math.floor(rnd() * 3)) - 1n);
  const hi = rnd() < 0.5 ? 0n : BigInt(Math.floor(rnd() * 4));
  return BigInt.asUintN(64, (hi << 32n) | BigInt(Math.floor(rnd() * 64)));
}

function randomProfile(rnd: () => number, names: readonly string[]): SeccompProfile {
  const syscalls: SeccompSyscall[] = [];
  const n = 1 + Math.floor(rnd() * 25);
  for (let i = 0; i < n; i++) {
    const action = pick(rnd, ACTIONS);
    const argc = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 3);
    const args = Array.from({ length: argc }, () => ({
      index: Math.floor(rnd() * 3),
      value: randomU64(rnd),
      valueTwo: randomU64(rnd),
      op: pick(rnd, SECCOMP_OPERATORS),
    }));
    syscalls.push({
      names: Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(rnd, names)),
      action,
      ...(action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE' ? { errnoRet: Math.floor(rnd() * 200) } : {}),
      ...(argc > 0 ? { args } : {}),
    });
  }
  return {
    defaultAction: pick(rnd, ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL']),
    architectures: ARCH_NAMES.filter(() => rnd() < 0.6),
    syscalls,
  };
}

describe('compiled filters agree with the profile (randomized)', () => {
  // A few names from each table, so random profiles hit the same syscalls often.
  const names = (['x86_64', 'x86', 'x32', 'aarch64', 'arm'] as TableArch[]).flatMap((a) =>
    Object.keys(SYSCALL_TABLES[a]).filter((_, i) => i % 9 === 0),
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random profiles, seed %i', (seed) => {
    const rnd = random(seed);
    for (let round = 0; round < 25; round++) {
      const profile = randomProfile(rnd, names);
      const arch = rnd() < 0.5 ? 'x64' : 'arm64';
      const filter = compileSeccomp(profile, { arch });
      const numbers = filter.profile.rules.flatMap((r) =>
        r.names.flatMap((name) => filter.profile.arches.map((a) => SYSCALL_TABLES[a][name])),
      );
      for (let call = 0; call < 200; call++) {
        const abi = pick(rnd, ['x86_64', 'x86', 'x32', 'aarch64', 'arm'] as const);
        const nr =
          rnd() < 0.7 && numbers.length > 0
            ? (pick(rnd, numbers) ?? 0)
            : pick(rnd, [Math.floor(rnd() * 600), 0xffffffff, 0x40000000 + Math.floor(rnd() * 600), 0x0f0005]);
        const data = { nr, arch: AUDIT_OF[abi], args: Array.from({ length: 6 }, () => randomU64(rnd)) };
        const got = runFilter(filter.instructions, data).value;
        const want = evaluateProfile(filter.profile, data);
        if (got !== want) {
          throw new Error(
            `seed ${seed} round ${round}: nr ${nr} on ${abi}: filter 0x${got.toString(16)}, profile 0x${want.toString(16)}\n` +
              JSON.stringify(profile, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
          );
        }
      }
    }
  });

  it("Docker's and podman's profiles, every syscall of every ABI, random arguments", () => {
    const profiles: SeccompProfile[] = [defaultProfile()];
    try {
      profiles.push(JSON.parse(readFileSync('/usr/share/containers/seccomp.json', 'utf8')) as SeccompProfile);
    } catch {
      // containers-common is not installed
    }
    const rnd = random(42);
    for (const profile of profiles) {
      for (const arch of ['x64', 'arm64'] as const) {
        for (const capabilities of [[], ['CAP_SYS_ADMIN']]) {
          const filter = compileSeccomp(profile, { arch, capabilities, kernelVersion: '6.1.0' });
          for (const abi of ['x86_64', 'x86', 'x32', 'aarch64', 'arm'] as const) {
            for (const nr of Object.values(SYSCALL_TABLES[abi])) {
              const data = { nr, arch: AUDIT_OF[abi], args: Array.from({ length: 6 }, () => randomU64(rnd)) };
              expect(runFilter(filter.instructions, data).value).toBe(evaluateProfile(filter.profile, data));
            }
          }
        }
      }
    }
  });
});
