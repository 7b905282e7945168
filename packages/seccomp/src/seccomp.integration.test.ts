import { CLONE_NEWNS, CLONE_NEWPID, createKernel, MS_PRIVATE, MS_REC, Program } from '@gc/syscall';
import { canRunIntegration, createBusyboxRoot, runProgram } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProfile } from './default-profile.js';
import { planSeccomp } from './plan.js';
import type { SeccompProfile } from './types.js';

describe.skipIf(!canRunIntegration())('seccomp filters in a real child (integration, root)', () => {
  const kernel = createKernel();
  let root: ReturnType<typeof createBusyboxRoot>;

  beforeAll(() => {
    root = createBusyboxRoot();
  });
  afterAll(() => root.remove());

  /** chroot into the busybox root with /proc, load `profile`, exec `argv`; stdout and stderr together. */
  async function run(profile: SeccompProfile, argv: string[], capabilities: string[] = []) {
    const program = new Program();
    program.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make mounts private');
    program.syscall('chroot', [root.path], 'chroot into the busybox root');
    program.syscall('chdir', ['/'], 'chdir /');
    program.syscall('mount', ['proc', '/proc', 'proc', 0, null], 'mount proc on /proc');
    const plan = planSeccomp(program, profile, { noNewPrivs: true, capabilities });
    program.execvp(argv[0] as string, argv, ['PATH=/bin'], `exec ${argv[0]}`);
    const {
      stdout: output,
      status,
      startError,
    } = await runProgram(kernel, program, {
      cloneFlags: CLONE_NEWNS | CLONE_NEWPID,
      stderr: 'stdout',
    });
    return { output, status, startError, plan };
  }

  it("confines a shell with Docker's profile: Seccomp 2, unshare and mount get EPERM, the rest works", async () => {
    const script = [
      'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status',
      // -m, not -U: a chroot alone forbids new user namespaces, so only seccomp can refuse this one (we are root).
      'unshare -m --propagation unchanged true; echo "unshare=$?"',
      'mount -t tmpfs none /tmp; echo "mount=$?"',
      'ls /bin >/dev/null && echo "ls ok"',
    ].join('; ');
    const { output, status, startError } = await run(defaultProfile(), ['sh', '-c', script]);
    expect(startError).toBeNull();
    expect(output).toMatch(/NoNewPrivs:\s+1/);
    expect(output).toMatch(/Seccomp:\s+2/);
    expect(output).toMatch(/unshare\(0x20000\): Operation not permitted/);
    expect(output).toContain('unshare=1');
    expect(output).toMatch(/mount=[1-9]/);
    expect(output).toContain('ls ok');
    expect(status).toEqual({ code: 0 });
  });

  it("lets CAP_SYS_ADMIN's syscalls through when the container has it", async () => {
    const script =
      'unshare -m --propagation unchanged true; echo "unshare=$?"; mount -t tmpfs none /tmp; echo "mount=$?"';
    const { output } = await run(defaultProfile(), ['sh', '-c', script], ['CAP_SYS_ADMIN']);
    // busybox goes on to remount / after the unshare, which a chroot's / refuses: only the unshare matters here.
    expect(output).not.toMatch(/unshare\(.*Operation not permitted/);
    expect(output).toContain('mount=0');
  });

  it('returns ENOSYS from mkdir with ERRNO(ENOSYS) on mkdir/mkdirat', async () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
    };
    const { output, status } = await run(profile, ['mkdir', '/tmp/x']);
    expect(output).toContain('Function not implemented');
    expect(status).toEqual({ code: 1 });
  });

  it('kills with SIGSYS on SCMP_ACT_KILL_PROCESS', async () => {
    const profile = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['uname'], action: 'SCMP_ACT_KILL_PROCESS' }],
    };
    const { status } = await run(profile, ['uname', '-a']);
    expect(status).toMatchObject({ signal: 'SIGSYS', signalNumber: 31 });
  });
});
