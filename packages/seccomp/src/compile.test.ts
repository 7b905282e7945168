import { describe, expect, it } from 'vitest';
import { compileSeccomp } from './compile.js';
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_ARM,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from './constants.js';
import { defaultProfile } from './default-profile.js';
import { evaluateProfile } from './evaluate.js';
import { runFilter, type SeccompData } from './interpreter.js';
import { seccompSyscallNumber } from './syscall-names.js';
import type { SeccompProfile } from './types.js';

const EPERM = SECCOMP_RET_ERRNO | 1;
const ENOSYS = SECCOMP_RET_ERRNO | 38;
const x64 = (nr: number, ...args: bigint[]): SeccompData => ({ nr, arch: AUDIT_ARCH_X86_64, args });

/** Run a compiled profile and check the reference evaluation agrees. */
function check(profile: SeccompProfile, data: SeccompData, opts = {}): number {
  const filter = compileSeccomp(profile, { arch: 'x64', ...opts });
  const value = runFilter(filter.instructions, data).value;
  expect(
    value,
    `filter and profile disagree on ${JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
  ).toBe(evaluateProfile(filter.profile, data));
  return value;
}

const U64 = (1n << 64n) - 1n;

describe('compileSeccomp: actions', () => {
  const table: Array<[string, number | undefined, number]> = [
    ['SCMP_ACT_ALLOW', undefined, SECCOMP_RET_ALLOW],
    ['SCMP_ACT_ERRNO', undefined, EPERM],
    ['SCMP_ACT_ERRNO', 38, ENOSYS],
    ['SCMP_ACT_KILL', undefined, SECCOMP_RET_KILL_THREAD],
    ['SCMP_ACT_KILL_THREAD', undefined, SECCOMP_RET_KILL_THREAD],
    ['SCMP_ACT_KILL_PROCESS', undefined, SECCOMP_RET_KILL_PROCESS],
    ['SCMP_ACT_TRAP', undefined, SECCOMP_RET_TRAP],
    ['SCMP_ACT_LOG', undefined, SECCOMP_RET_LOG],
    ['SCMP_ACT_TRACE', 7, SECCOMP_RET_TRACE | 7],
    ['SCMP_ACT_NOTIFY', undefined, SECCOMP_RET_USER_NOTIF],
  ];
  it.each(table)('%s (errnoRet %s) on mkdirat returns 0x%s', (action, errnoRet, expected) => {
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdirat'], action, ...(errnoRet === undefined ? {} : { errnoRet }) }],
    };
    expect(check(profile, x64(258))).toBe(expected >>> 0);
    expect(check(profile, x64(257))).toBe(SECCOMP_RET_ALLOW);
  });

  it('uses defaultErrnoRet for an ERRNO default', () => {
    expect(check({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 }, x64(0))).toBe(ENOSYS);
    expect(check({ defaultAction: 'SCMP_ACT_ERRNO' }, x64(0))).toBe(EPERM);
  });

  it('sets flags, and NEW_LISTENER when a rule notifies', () => {
    const f = compileSeccomp(
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
        syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }],
      },
      { arch: 'x64' },
    );
    expect(f.flags).toBe(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_NEW_LISTENER);
    expect(f.needsListener).toBe(true);
    expect(f.bytes.length).toBe(f.instructions.length * 8);
  });
});

describe('compileSeccomp: architectures', () => {
  const allowRead = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };

  it('checks the arch first and kills a foreign one', () => {
    const f = compileSeccomp(allowRead, { arch: 'x64' });
    expect(f.instructions[0]).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 }); // ld [arch]
    expect(runFilter(f.instructions, { nr: 0, arch: AUDIT_ARCH_I386 }).value).toBe(SECCOMP_RET_KILL_THREAD);
    expect(runFilter(f.instructions, { nr: 63, arch: AUDIT_ARCH_AARCH64 }).value).toBe(SECCOMP_RET_KILL_THREAD);
    expect(runFilter(f.instructions, x64(0)).value).toBe(SECCOMP_RET_ALLOW);
  });

  it('covers listed compat ABIs of the host and ignores the others', () => {
    const f = compileSeccomp(
      { ...allowRead, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_PPC64LE'] },
      { arch: 'x64' },
    );
    expect(f.profile.arches).toEqual(['x86_64', 'x86']);
    expect(f.profile.ignoredArchitectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_PPC64LE']);
    expect(runFilter(f.instructions, { nr: 3, arch: AUDIT_ARCH_I386 }).value).toBe(SECCOMP_RET_ALLOW);
    expect(runFilter(f.instructions, { nr: 4, arch: AUDIT_ARCH_I386 }).value).toBe(EPERM);
  });

  it('handles x32 as libseccomp does on x86_64', () => {
    const without = { ...allowRead, architectures: ['SCMP_ARCH_X86_64'] };
    // x32 read: a foreign ABI without SCMP_ARCH_X32, even though read is allowed.
    expect(check(without, x64(0x40000000))).toBe(SECCOMP_RET_KILL_THREAD);
    expect(check(without, x64(0x40000000 + 1))).toBe(SECCOMP_RET_KILL_THREAD);
    // -1 (a tracer skipping the call) is not x32: the default action.
    expect(check(without, x64(0xffffffff))).toBe(EPERM);
    const withX32 = { ...allowRead, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'] };
    expect(check(withX32, x64(0x40000000))).toBe(SECCOMP_RET_ALLOW);
    expect(check(withX32, x64(0x40000001))).toBe(EPERM);
    expect(check(withX32, x64(0))).toBe(SECCOMP_RET_ALLOW);
  });

  it('compiles for arm64 hosts (aarch64 and arm)', () => {
    const f = compileSeccomp(
      { ...allowRead, architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] },
      { arch: 'arm64' },
    );
    expect(runFilter(f.instructions, { nr: 63, arch: AUDIT_ARCH_AARCH64 }).value).toBe(SECCOMP_RET_ALLOW);
    expect(runFilter(f.instructions, { nr: 3, arch: AUDIT_ARCH_ARM }).value).toBe(SECCOMP_RET_ALLOW);
    expect(runFilter(f.instructions, { nr: 0, arch: AUDIT_ARCH_X86_64 }).value).toBe(SECCOMP_RET_KILL_THREAD);
  });

  it('skips names the arch does not have, as libseccomp does', () => {
    const f = compileSeccomp(
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] },
      { arch: 'arm64' },
    );
    expect(f.profile.skippedNames).toContainEqual({
      path: 'linux.seccomp.syscalls[0]',
      name: 'mkdir',
      arch: 'aarch64',
    });
    expect(runFilter(f.instructions, { nr: 34, arch: AUDIT_ARCH_AARCH64 }).value).toBe(EPERM);
  });
});

describe('compileSeccomp: argument conditions', () => {
  const rule = (op: string, value: bigint, valueTwo?: bigint): SeccompProfile => ({
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, op, value, valueTwo }] }],
  });
  // 64-bit values around the word boundary, where comparing only one half would go wrong.
  const values = [0n, 1n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1ffffffffn, 0x123456789abcdefn, U64 - 1n, U64];
  const ops: Array<[string, (a: bigint, v: bigint) => boolean]> = [
    ['SCMP_CMP_EQ', (a, v) => a === v],
    ['SCMP_CMP_NE', (a, v) => a !== v],
    ['SCMP_CMP_LT', (a, v) => a < v],
    ['SCMP_CMP_LE', (a, v) => a <= v],
    ['SCMP_CMP_GT', (a, v) => a > v],
    ['SCMP_CMP_GE', (a, v) => a >= v],
  ];
  it.each(ops)('%s compares unsigned 64-bit values, high half first', (op, holds) => {
    for (const v of values) {
      const profile = rule(op, v);
      for (const a of values) {
        expect(check(profile, x64(16, 0n, a)), `${a} ${op} ${v}`).toBe(holds(a, v) ? EPERM : SECCOMP_RET_ALLOW);
      }
    }
  });

  it('SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo, in both halves', () => {
    const profile = rule('SCMP_CMP_MASKED_EQ', 0xff000000_000000ffn, 0x12000000_00000034n);
    expect(check(profile, x64(16, 0n, 0x12abcdef_ffffff34n))).toBe(EPERM);
    expect(check(profile, x64(16, 0n, 0x13000000_00000034n))).toBe(SECCOMP_RET_ALLOW);
    expect(check(profile, x64(16, 0n, 0x12000000_00000035n))).toBe(SECCOMP_RET_ALLOW);
    // Docker's clone rule: no namespace flag set.
    const clone = rule('SCMP_CMP_MASKED_EQ', 2114060288n, 0n);
    expect(check(clone, x64(16, 0n, 0x11n))).toBe(EPERM);
    expect(check(clone, x64(16, 0n, 0x10000000n))).toBe(SECCOMP_RET_ALLOW); // CLONE_NEWUSER
  });

  it('compares only the low 32 bits on 32-bit ABIs, as libseccomp does', () => {
    const profile = rule('SCMP_CMP_EQ', 0x100000005n);
    const i386 = (a: bigint): SeccompData => ({ nr: 54, arch: AUDIT_ARCH_I386, args: [0n, a] });
    expect(check(profile, i386(5n))).toBe(EPERM);
    expect(check(profile, i386(6n))).toBe(SECCOMP_RET_ALLOW);
    expect(check(profile, x64(16, 0n, 5n))).toBe(SECCOMP_RET_ALLOW);
  });

  it('ANDs conditions on distinct arguments and ORs repeated ones (runc)', () => {
    const and: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ERRNO',
          args: [
            { index: 0, value: 16, op: 'SCMP_CMP_EQ' },
            { index: 2, value: 9, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    };
    expect(check(and, x64(41, 16n, 3n, 9n))).toBe(EPERM);
    expect(check(and, x64(41, 16n, 3n, 0n))).toBe(SECCOMP_RET_ALLOW);
    const or: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        {
          names: ['socket'],
          action: 'SCMP_ACT_ERRNO',
          args: [
            { index: 0, value: 16, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 17, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    };
    expect(check(or, x64(41, 16n))).toBe(EPERM);
    expect(check(or, x64(41, 17n))).toBe(EPERM);
    expect(check(or, x64(41, 2n))).toBe(SECCOMP_RET_ALLOW);
  });

  it('lets an unconditional rule win over conditional ones, else the first that holds', () => {
    const profile: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 3, args: [{ index: 1, value: 9, op: 'SCMP_CMP_EQ' }] },
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 4, args: [{ index: 1, value: 5, op: 'SCMP_CMP_GE' }] },
        { names: ['kill'], action: 'SCMP_ACT_LOG' },
        { names: ['tkill'], action: 'SCMP_ACT_ERRNO', errnoRet: 3, args: [{ index: 1, value: 9, op: 'SCMP_CMP_EQ' }] },
        { names: ['tkill'], action: 'SCMP_ACT_ERRNO', errnoRet: 4, args: [{ index: 1, value: 5, op: 'SCMP_CMP_GE' }] },
      ],
    };
    expect(check(profile, x64(62, 1n, 9n))).toBe(SECCOMP_RET_LOG);
    expect(check(profile, x64(200, 1n, 9n))).toBe(SECCOMP_RET_ERRNO | 3);
    expect(check(profile, x64(200, 1n, 6n))).toBe(SECCOMP_RET_ERRNO | 4);
    expect(check(profile, x64(200, 1n, 2n))).toBe(SECCOMP_RET_ALLOW);
  });
});

describe("Docker's default profile", () => {
  it('compiles well under the 4096-instruction limit, in milliseconds', () => {
    for (const arch of ['x64', 'arm64'] as const) {
      for (const capabilities of [[], ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_BOOT']]) {
        const start = performance.now();
        const f = compileSeccomp(defaultProfile(), { arch, capabilities, kernelVersion: '6.1.0' });
        const ms = performance.now() - start;
        expect(f.instructions.length).toBeLessThan(1000);
        expect(ms).toBeLessThan(500);
      }
    }
  });

  it('blocks what Docker blocks and allows the rest', () => {
    const p = defaultProfile();
    const k = { kernelVersion: '6.1.0' };
    expect(check(p, x64(0), k)).toBe(SECCOMP_RET_ALLOW); // read
    expect(check(p, x64(59), k)).toBe(SECCOMP_RET_ALLOW); // execve
    expect(check(p, x64(165), k)).toBe(EPERM); // mount
    expect(check(p, x64(272), k)).toBe(EPERM); // unshare
    expect(check(p, x64(250), k)).toBe(EPERM); // keyctl
    expect(check(p, x64(169), k)).toBe(EPERM); // reboot
    expect(check(p, x64(435), k)).toBe(ENOSYS); // clone3: glibc falls back to clone
    expect(check(p, x64(56, 0x11n), k)).toBe(SECCOMP_RET_ALLOW); // clone(SIGCHLD|...)
    expect(check(p, x64(56, 0x10000000n), k)).toBe(EPERM); // clone(CLONE_NEWUSER)
    expect(check(p, x64(41, 40n), k)).toBe(EPERM); // socket(AF_VSOCK)
    expect(check(p, x64(41, 2n), k)).toBe(SECCOMP_RET_ALLOW);
    expect(check(p, x64(135, 0xffffffffn), k)).toBe(SECCOMP_RET_ALLOW); // personality(query)
    expect(check(p, x64(135, 0x0040000n), k)).toBe(EPERM); // personality(ADDR_NO_RANDOMIZE)
    expect(check(p, x64(101), k)).toBe(SECCOMP_RET_ALLOW); // ptrace: allowed on 4.8+
    expect(check(p, x64(101), { kernelVersion: '4.4.0' })).toBe(EPERM);
    expect(check(p, x64(158), k)).toBe(SECCOMP_RET_ALLOW); // arch_prctl on amd64
    expect(check(p, { nr: 102, arch: AUDIT_ARCH_I386 }, k)).toBe(SECCOMP_RET_ALLOW); // socketcall
    expect(check(p, x64(165), { ...k, capabilities: ['CAP_SYS_ADMIN'] })).toBe(SECCOMP_RET_ALLOW);
    expect(check(p, x64(435), { ...k, capabilities: ['SYS_ADMIN'] })).toBe(SECCOMP_RET_ALLOW);
    expect(check(p, x64(56, 0x10000000n), { ...k, capabilities: ['CAP_SYS_ADMIN'] })).toBe(SECCOMP_RET_ALLOW);
    expect(check(p, x64(161), { ...k, capabilities: ['CAP_SYS_CHROOT'] })).toBe(SECCOMP_RET_ALLOW);
    expect(check(p, x64(161), k)).toBe(EPERM);
  });

  it('refuses io_uring on every ABI with EPERM, whatever the capabilities, as Docker 25 does', () => {
    const abis = [
      ['x64', 'x86_64', AUDIT_ARCH_X86_64],
      ['x64', 'x32', AUDIT_ARCH_X86_64],
      ['x64', 'x86', AUDIT_ARCH_I386],
      ['arm64', 'aarch64', AUDIT_ARCH_AARCH64],
      ['arm64', 'arm', AUDIT_ARCH_ARM],
    ] as const;
    for (const capabilities of [[], ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_RESOURCE', 'CAP_IPC_LOCK']]) {
      for (const [host, table, audit] of abis) {
        const f = compileSeccomp(defaultProfile(), { arch: host, capabilities, kernelVersion: '6.18.0' });
        for (const name of ['io_uring_setup', 'io_uring_enter', 'io_uring_register']) {
          const nr = seccompSyscallNumber(name, table) as number;
          expect(nr, `${name} on ${table}`).toBeGreaterThan(0);
          const data = { nr, arch: audit };
          expect(runFilter(f.instructions, data).value, `${name} on ${table}`).toBe(EPERM);
          expect(evaluateProfile(f.profile, data)).toBe(EPERM);
        }
      }
    }
  });

  it('allows the syscalls Docker 25.0.3 added (moby#47341): cachestat, fchmodat2, map_shadow_stack', () => {
    const p = defaultProfile();
    for (const [name, nr] of [
      ['cachestat', 451],
      ['fchmodat2', 452],
      ['map_shadow_stack', 453],
    ] as const) {
      expect(seccompSyscallNumber(name, 'x86_64')).toBe(nr);
      expect(check(p, x64(nr), { kernelVersion: '6.18.0' }), name).toBe(SECCOMP_RET_ALLOW);
    }
  });

  it('keeps the arm-only entries on arm64 hosts', () => {
    const f = compileSeccomp(defaultProfile(), { arch: 'arm64', kernelVersion: '6.1.0' });
    expect(f.profile.arches).toEqual(['aarch64', 'arm']);
    expect(runFilter(f.instructions, { nr: 0x0f0005, arch: AUDIT_ARCH_ARM }).value).toBe(SECCOMP_RET_ALLOW); // set_tls
    expect(runFilter(f.instructions, { nr: 158, arch: AUDIT_ARCH_X86_64 }).value).toBe(SECCOMP_RET_KILL_THREAD);
  });
});
