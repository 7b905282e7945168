import { describe, expect, it } from 'vitest';
import { SeccompProfileError } from './errors.js';
import { normalizeProfile } from './normalize.js';
import type { SeccompProfile } from './types.js';

function errorOf(profile: unknown, opts = {}): string {
  try {
    normalizeProfile(profile as SeccompProfile, { arch: 'x64', ...opts });
  } catch (e) {
    expect(SeccompProfileError.isInstance(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a SeccompProfileError');
}

const many = (entry: object, at: number) => [
  ...Array.from({ length: at }, () => ({ names: ['read'], action: 'SCMP_ACT_ALLOW' })),
  entry,
];

describe('profile errors name the offending entry', () => {
  it.each([
    [
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: many({ names: ['read'], action: 'SCMP_ACT_FOO' }, 12) },
      'linux.seccomp.syscalls[12].action: "SCMP_ACT_FOO" is not an action (SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD,',
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: many({ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'GT' }] }, 3),
      },
      'linux.seccomp.syscalls[3].args[0].op: "GT" is not a comparison operator (SCMP_CMP_NE, SCMP_CMP_LT,',
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: many({ names: ['read', 'write', 'frobnicate'], action: 'SCMP_ACT_ERRNO' }, 5),
      },
      'linux.seccomp.syscalls[5].names[2]: "frobnicate" is not a syscall on any supported architecture',
    ],
    [{ defaultAction: 'ALLOW' }, 'linux.seccomp.defaultAction: "ALLOW" is not an action'],
    [{}, 'linux.seccomp.defaultAction: undefined is not an action'],
    [{ defaultAction: 'SCMP_ACT_NOTIFY' }, 'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'],
    [{ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: -1 }, 'linux.seccomp.defaultErrnoRet: -1 is not an errno'],
    [
      { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['x86_64'] },
      'linux.seccomp.architectures[0]: "x86_64" is not an architecture',
    ],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['LOG'] }, 'linux.seccomp.flags[0]: "LOG" is not a seccomp flag'],
    [
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] },
      'linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value, not SCMP_ACT_ALLOW',
    ],
    [
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ALLOW' }] },
      'linux.seccomp.syscalls[0].names: must be a non-empty array of syscall names',
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }],
      },
      'linux.seccomp.syscalls[0].args[0].index: 6 is not an argument index (0..5)',
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          { names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] },
        ],
      },
      'linux.seccomp.syscalls[0].args[0].value: 1152921504606847000 is not an unsigned 64-bit integer (above 2^53: pass a bigint)',
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        architectures: ['SCMP_ARCH_X86'],
        archMap: [{ architecture: 'SCMP_ARCH_X86_64' }],
      },
      "linux.seccomp: both 'architectures' and 'archMap' are set",
    ],
    [
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: 'new' } }],
      },
      'linux.seccomp.syscalls[0].includes.minKernel: "new" is not a kernel version',
    ],
    [
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'frob', action: 'SCMP_ACT_ALLOW' }] },
      'linux.seccomp.syscalls[0].name: "frob" is not a syscall on any supported architecture',
    ],
  ])('%#', (profile, message) => {
    expect(errorOf(profile)).toContain(message);
  });

  it('uses the caller path', () => {
    expect(errorOf({ defaultAction: 'x' }, { path: 'profile.json' })).toMatch(/^profile\.json\.defaultAction: /);
  });

  it('does not check names of entries Docker leaves out', () => {
    const p = normalizeProfile(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [
          { names: ['s390_runtime_instr', 'frobnicate'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['s390x'] } },
        ],
      },
      { arch: 'x64' },
    );
    expect(p.rules).toEqual([]);
  });

  it("knows other architectures' names and skips them", () => {
    const p = normalizeProfile(
      { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['swapcontext', 'read'], action: 'SCMP_ACT_ALLOW' }] },
      { arch: 'x64' },
    );
    expect(p.skippedNames.filter((s) => s.name === 'swapcontext').map((s) => s.arch)).toEqual(['x86_64']);
  });

  it('evaluates Docker includes/excludes against caps, arch and kernel', () => {
    const profile: SeccompProfile = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
        { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
        { names: ['bpf'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
      ],
    };
    const names = (opts: object) => normalizeProfile(profile, { arch: 'x64', ...opts }).rules.map((r) => r.names[0]);
    expect(names({ kernelVersion: '6.1.0-18-amd64' })).toEqual(['clone3', 'arch_prctl', 'ptrace']);
    expect(names({ kernelVersion: '4.4.0', capabilities: ['sys_admin'] })).toEqual(['mount', 'arch_prctl']);
    expect(normalizeProfile(profile, { arch: 'arm64', kernelVersion: '4.8' }).rules.map((r) => r.names[0])).toEqual([
      'clone3',
      'ptrace',
      'bpf',
    ]);
  });
});
