import { Program } from '@gc/syscall';
import { FakeKernel, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { type HostLimits, parseLimits, readHostLimits } from './host-limits.js';
import { RLIM_INFINITY } from './rlimit-types.js';
import { planRlimits, validateRlimits } from './rlimits.js';
import { parseUlimit } from './ulimit.js';

const ALL_CAPS = (1n << 41n) - 1n;
const NO_SYS_RESOURCE = ALL_CAPS & ~(1n << 24n);

function host(over: Partial<HostLimits> = {}): HostLimits {
  return {
    capEffective: ALL_CAPS,
    capBounding: ALL_CAPS,
    hard: new Map([
      ['RLIMIT_NOFILE', 524288n],
      ['RLIMIT_NPROC', 4096n],
      ['RLIMIT_CORE', RLIM_INFINITY],
    ]),
    nrOpen: 1048576n,
    ...over,
  };
}

const u64s = (arg: unknown) => {
  const b = (arg as FakePointer).bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [view.getBigUint64(0, true), view.getBigUint64(8, true)];
};

describe('planRlimits', () => {
  it('one prlimit64(0, resource, &{soft, hard}, NULL) per entry, in order', () => {
    const program = new Program();
    planRlimits(
      program,
      [
        { type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 },
        // What JSON.parse makes of 18446744073709551615 (RLIM_INFINITY).
        { type: 'RLIMIT_CORE', soft: 0, hard: 2 ** 64 },
      ],
      { host: host() },
    );
    program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
    const kernel = new FakeKernel();
    kernel.spawn(program);
    const ops = (kernel.lastRun?.ops ?? []).filter((o) => o.kind !== 'execvp');
    expect(ops.map((o) => [o.syscall, o.args[0], o.args[1], o.args[3]])).toEqual([
      ['prlimit64', 0, 7, 0],
      ['prlimit64', 0, 4, 0],
    ]);
    expect(u64s(ops[0]?.args[2])).toEqual([1024n, 4096n]);
    expect(u64s(ops[1]?.args[2])).toEqual([0n, RLIM_INFINITY]);
    expect(ops.map((o) => o.label)).toEqual([
      'set RLIMIT_NOFILE to 1024 (soft), 4096 (hard)',
      'set RLIMIT_CORE to 0 (soft), unlimited (hard)',
    ]);
  });

  it('raising a hard limit without CAP_SYS_RESOURCE fails at plan time, naming the entry', () => {
    const rlimits = [
      { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 1048576 },
    ];
    const noBounding = host({ capBounding: NO_SYS_RESOURCE, capEffective: NO_SYS_RESOURCE });
    expect(() => planRlimits(new Program(), rlimits, { host: noBounding })).toThrow(
      'process.rlimits[1]: raising the hard limit of RLIMIT_NOFILE from 524288 to 1048576 needs CAP_SYS_RESOURCE, which this host does not grant',
    );
    expect(() => planRlimits(new Program(), rlimits, { host: host({ capEffective: NO_SYS_RESOURCE }) })).toThrow(
      'process.rlimits[1]: raising the hard limit of RLIMIT_NOFILE from 524288 to 1048576 needs CAP_SYS_RESOURCE, which gocontainer does not have (not in its effective set)',
    );
    expect(() => planRlimits(new Program(), rlimits, { host: host(), inNewUserNamespace: true })).toThrow(
      "needs CAP_SYS_RESOURCE in the host's user namespace, which a process in a new user namespace lacks",
    );
    // With the capability, or without raising, it plans.
    expect(planRlimits(new Program(), rlimits, { host: host() })).toHaveLength(2);
    expect(
      planRlimits(new Program(), [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 524288 }], { host: noBounding }),
    ).toHaveLength(1);
  });

  it('refuses RLIMIT_NOFILE above fs.nr_open', () => {
    expect(() =>
      planRlimits(new Program(), [{ type: 'RLIMIT_NOFILE', soft: 1, hard: 2000000 }], { host: host() }),
    ).toThrow('process.rlimits[0]: the hard limit of RLIMIT_NOFILE (2000000) is above fs.nr_open (1048576)');
  });

  it('validates types, values and duplicates, naming the field', () => {
    expect(() => validateRlimits([{ type: 'RLIMIT_FOO', soft: 1, hard: 1 }])).toThrow(
      'process.rlimits[0].type: "RLIMIT_FOO" is not an rlimit',
    );
    expect(() => validateRlimits([{ type: 'RLIMIT_NOFILE', soft: 2, hard: 1 }])).toThrow(
      'process.rlimits[0]: the soft limit of RLIMIT_NOFILE (2) is above its hard limit (1)',
    );
    expect(() => validateRlimits([{ type: 'RLIMIT_NOFILE', soft: -1, hard: 1 }])).toThrow(
      'process.rlimits[0].soft: expected an integer',
    );
    expect(() =>
      validateRlimits([
        { type: 'RLIMIT_NOFILE', soft: 1, hard: 1 },
        { type: 'RLIMIT_NOFILE', soft: 2, hard: 2 },
      ]),
    ).toThrow('process.rlimits[1].type: RLIMIT_NOFILE is already set by process.rlimits[0]');
    expect(() => validateRlimits({})).toThrow('process.rlimits: expected an array');
    expect(validateRlimits(undefined)).toEqual([]);
    expect(validateRlimits([{ type: 'RLIMIT_AS', soft: 5n, hard: RLIM_INFINITY }])).toEqual([
      { type: 'RLIMIT_AS', resource: 9, soft: 5n, hard: RLIM_INFINITY },
    ]);
  });
});

describe('host limits', () => {
  it('parses /proc/PID/limits', () => {
    const limits = parseLimits(`Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            1024                 524288               files     
Max nice priority         0                    0                    
`);
    expect(limits.get('RLIMIT_CPU')).toBe(RLIM_INFINITY);
    expect(limits.get('RLIMIT_NOFILE')).toBe(524288n);
    expect(limits.get('RLIMIT_NICE')).toBe(0n);
  });

  it("reads this process's capabilities and every hard limit", () => {
    const h = readHostLimits();
    expect(h.hard.size).toBe(16);
    expect(h.capBounding).toBeGreaterThan(0n);
  });
});

describe('parseUlimit (docker run --ulimit)', () => {
  it('name=soft[:hard], -1 unlimited, hard defaults to soft', () => {
    expect(parseUlimit('nofile=1024:2048')).toEqual({ type: 'RLIMIT_NOFILE', soft: 1024n, hard: 2048n });
    expect(parseUlimit('nproc=512')).toEqual({ type: 'RLIMIT_NPROC', soft: 512n, hard: 512n });
    expect(parseUlimit('core=-1')).toEqual({ type: 'RLIMIT_CORE', soft: RLIM_INFINITY, hard: RLIM_INFINITY });
    expect(parseUlimit('core=0:-1')).toEqual({ type: 'RLIMIT_CORE', soft: 0n, hard: RLIM_INFINITY });
  });

  it('names what is wrong', () => {
    expect(() => parseUlimit('nofile')).toThrow('--ulimit: expected name=soft[:hard], got "nofile"');
    expect(() => parseUlimit('files=1')).toThrow('--ulimit: "files" is not a ulimit');
    expect(() => parseUlimit('nofile=2:1')).toThrow(
      '--ulimit: the soft limit of nofile (2) is above its hard limit (1)',
    );
    expect(() => parseUlimit('nofile=-1:1')).toThrow(
      'the soft limit of nofile (unlimited) is above its hard limit (1)',
    );
    expect(() => parseUlimit('nofile=lots')).toThrow('--ulimit nofile soft limit: "lots" is not a number');
    // Docker refuses a third value rather than dropping it.
    expect(() => parseUlimit('nofile=1:2:3')).toThrow('--ulimit: "nofile=1:2:3" has too many limit values');
  });
});
