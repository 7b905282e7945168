import { ContainerStartError, GcError, SpecError } from '@gc/runtime';
import { describe, expect, it } from 'vitest';
import { blameRunFlag } from './flag-errors.js';
import type { DockerRunFlags } from './run-spec.js';

const flags = (over: Partial<DockerRunFlags> = {}): DockerRunFlags => ({
  env: [],
  volume: [],
  network: 'none',
  capAdd: [],
  capDrop: [],
  securityOpt: [],
  ulimit: [],
  sysctl: [],
  ...over,
});
const message = (e: unknown) => (e as Error).message;

describe('blameRunFlag (a deeper error said in terms of the flag)', () => {
  it('names the flag and its value for an OCI field', () => {
    const e = new SpecError('linux.resources.memory.limit', 'expected an integer >= -1');
    expect(message(blameRunFlag(e, flags({ memory: '1e30' })))).toBe(
      '--memory: "1e30": linux.resources.memory.limit: expected an integer >= -1',
    );
    const cgroup = new GcError('EIO', 'linux.resources.cpu.cpus: write "9" to /sys/fs/cgroup/x/cpuset.cpus: ERANGE');
    expect(message(blameRunFlag(cgroup, flags({ cpusetCpus: '9' })))).toMatch(/^--cpuset-cpus: "9": linux\.resources/);
  });

  it('picks the value of a list flag by its index', () => {
    const e = new SpecError('process.rlimits[1]', 'the hard limit of RLIMIT_NOFILE (9) is above fs.nr_open');
    expect(message(blameRunFlag(e, flags({ ulimit: ['nproc=1', 'nofile=9'] })))).toMatch(/^--ulimit: "nofile=9": /);
    const profile = new SpecError('linux.seccomp.defaultAction', '"X" is not an action');
    const opts = ['no-new-privileges', 'seccomp=/p.json'];
    expect(message(blameRunFlag(profile, flags({ securityOpt: opts })))).toMatch(
      /^--security-opt: "seccomp=\/p.json": /,
    );
  });

  it('names the working directory or the volume a directory was made for', () => {
    const e = new ContainerStartError(
      'EROFS',
      'create /sys/x in the root (rootfs): EROFS (Read-only file system)',
      125,
    );
    expect(message(blameRunFlag(e, flags({ workdir: '/sys/x/y' })))).toMatch(/^--workdir: "\/sys\/x\/y": create/);
    expect(message(blameRunFlag(e, flags({ volume: ['/tmp:/sys/x'] })))).toMatch(/^--volume: "\/tmp:\/sys\/x": /);
    expect(blameRunFlag(e, flags({ workdir: '/sys/xy' }))).toBe(e);
  });

  it('names the sysctl the kernel refused, and why an OOM score cannot be lowered', () => {
    const e = new GcError('EINVAL', 'set sysctl net.ipv4.ip_forward to "x" (credentials): EINVAL (Invalid argument)');
    expect(message(blameRunFlag(e, flags({ sysctl: ['kernel.shmmax=1', 'net/ipv4/ip_forward=x'] })))).toMatch(
      /^--sysctl: "net\/ipv4\/ip_forward=x": set sysctl/,
    );
    const oom = new GcError('EACCES', 'write -5 to /proc/self/oom_score_adj (credentials): EACCES (Permission denied)');
    expect(message(blameRunFlag(oom, flags({ oomScoreAdj: '-5' })))).toMatch(
      /^--oom-score-adj: "-5": write .*: lowering it needs CAP_SYS_RESOURCE/,
    );
  });

  it("leaves the command's own failures and other errors as they are", () => {
    const notFound = new ContainerStartError('ENOCMD', 'no such file or directory: /x', 127);
    expect(blameRunFlag(notFound, flags({ workdir: '/x' }))).toBe(notFound);
    const other = new Error('linux.resources.memory.limit: not ours');
    expect(blameRunFlag(other, flags({ memory: '1g' }))).toBe(other);
    const unrelated = new GcError('EIO', 'clone3 (syscall): ENOMEM');
    expect(blameRunFlag(unrelated, flags())).toBe(unrelated);
  });
});
