import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, readFileSync } from 'node:fs';
import { CLONE_NEWIPC, CLONE_NEWNS, CLONE_NEWPID, createKernel, Program } from '@gc/syscall';
import {
  BUSYBOX_ENV,
  type BusyboxRoot,
  canRunIntegration,
  createBusyboxRoot,
  planBusyboxRoot,
  runProgram,
} from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAP_SYS_RESOURCE, hasCapability, readHostLimits } from './host-limits.js';
import { planSessionKeyring } from './keyring.js';
import { planOomScoreAdj } from './oom-score-adj.js';
import { planNoNewPrivs } from './process-flags.js';
import { resolveUser } from './resolve-user.js';
import { planRlimits } from './rlimits.js';
import { planSysctls } from './sysctl.js';
import { planUser } from './user.js';

const kernel = createKernel();
/** New mount, PID and IPC namespaces: a private /proc on a pivoted root, and IPC sysctls of its own. */
const cloneFlags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;

describe.skipIf(!canRunIntegration())('credentials (integration, root)', () => {
  let root: BusyboxRoot;

  beforeAll(() => {
    root = createBusyboxRoot();
    // mkdtemp made it 0700: uid 1000 must still reach /bin/busybox.
    chmodSync(root.path, 0o755);
    appendFileSync(`${root.path}/etc/passwd`, 'alice:x:1000:1000:Alice:/home/alice:/bin/sh\n');
    appendFileSync(`${root.path}/etc/group`, 'wheel:x:10:alice\nalice:x:1000:\naudio:x:29:alice\n');
  });
  afterAll(() => root.remove());

  /** A container on the busybox root: `before` runs before the root change, `after` after it. */
  async function run(script: string, plan: { before?: (p: Program) => void; after?: (p: Program) => void }) {
    const program = new Program();
    plan.before?.(program);
    planBusyboxRoot(program, { root: root.path });
    plan.after?.(program);
    program.scope('@gc/test').execvp('/bin/sh', ['sh', '-c', script], BUSYBOX_ENV, 'exec sh');
    return runProgram(kernel, program, { cloneFlags });
  }

  it('runs as uid 1000 with the groups of /etc/group (id)', async () => {
    const user = resolveUser(root.path, 'alice');
    expect(user).toMatchObject({ uid: 1000, gid: 1000, additionalGids: [1000, 10, 29] });
    const { stdout, stderr, status, startError } = await run('id; grep -E "^(Uid|Gid|Groups)" /proc/self/status', {
      after: (p) => planUser(p, user),
    });
    expect(startError).toBeNull();
    expect(stderr).toBe('');
    expect(status).toEqual({ code: 0 });
    const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual([
      // The kernel keeps the groups sorted.
      'uid=1000(alice) gid=1000(alice) groups=10(wheel),29(audio),1000(alice)',
      'Uid: 1000 1000 1000 1000',
      'Gid: 1000 1000 1000 1000',
      'Groups: 10 29 1000',
      '',
    ]);
  });

  it('a lowered RLIMIT_NOFILE is what ulimit -n sees', async () => {
    const rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }];
    const { stdout, status } = await run('ulimit -n; ulimit -Hn', { after: (p) => planRlimits(p, rlimits) });
    expect(status).toEqual({ code: 0 });
    expect(stdout).toBe('1024\n4096\n');
  });

  it('raising the hard limit fails at plan time without CAP_SYS_RESOURCE; the kernel agrees', async () => {
    const host = readHostLimits();
    const current = host.hard.get('RLIMIT_NOFILE') as bigint;
    const raised = current + 1n;
    const rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: raised }];
    if (hasCapability(host.capBounding, CAP_SYS_RESOURCE)) {
      // A host that grants it: the plan goes through and the kernel lets it.
      const { stdout } = await run('ulimit -Hn', { after: (p) => planRlimits(p, rlimits) });
      expect(stdout).toBe(`${raised}\n`);
      return;
    }
    expect(() => planRlimits(new Program(), rlimits)).toThrow(
      `process.rlimits[0]: raising the hard limit of RLIMIT_NOFILE from ${current} to ${raised} needs CAP_SYS_RESOURCE, which this host does not grant`,
    );
    // Told the host could, the plan goes through and the child gets the EPERM the check predicted.
    const sysResource = 1n << BigInt(CAP_SYS_RESOURCE);
    const pretend = {
      ...host,
      capBounding: host.capBounding | sysResource,
      capEffective: host.capEffective | sysResource,
    };
    const { startError } = await run('true', { after: (p) => planRlimits(p, rlimits, { host: pretend }) });
    expect(startError?.message).toBe(
      `set RLIMIT_NOFILE to 1024 (soft), ${raised} (hard) (credentials): EPERM (Operation not permitted)`,
    );
  });

  it('no_new_privs shows in /proc/self/status, and survives the exec', async () => {
    const { stdout } = await run('grep NoNewPrivs /proc/self/status', { after: (p) => planNoNewPrivs(p) });
    expect(stdout).toBe('NoNewPrivs:\t1\n');
    const without = await run('grep NoNewPrivs /proc/self/status', {});
    expect(without.stdout).toBe('NoNewPrivs:\t0\n');
  });

  it('oom_score_adj is written, before or after the root change', async () => {
    const after = await run('cat /proc/self/oom_score_adj', { after: (p) => planOomScoreAdj(p, 500) });
    expect(after.stdout).toBe('500\n');
    const before = await run('cat /proc/self/oom_score_adj', { before: (p) => planOomScoreAdj(p, 321) });
    expect(before.stdout).toBe('321\n');
  });

  it('sets kernel.shmmax in a new IPC namespace, leaving the host alone', async () => {
    const hostBefore = readFileSync('/proc/sys/kernel/shmmax', 'utf8');
    const { stdout, startError } = await run('cat /proc/sys/kernel/shmmax /proc/sys/kernel/shm_rmid_forced', {
      after: (p) =>
        planSysctls(
          p,
          { 'kernel.shmmax': '8192', 'kernel/shm_rmid_forced': '1' },
          { namespaces: [{ type: 'ipc' }, { type: 'mount' }, { type: 'pid' }] },
        ),
    });
    expect(startError).toBeNull();
    expect(stdout).toBe('8192\n1\n');
    expect(readFileSync('/proc/sys/kernel/shmmax', 'utf8')).toBe(hostBefore);
  });

  it('joins a session keyring of its own: /proc/keys shows it, with the search bit set on it', async () => {
    const id = `gc-test-${randomBytes(4).toString('hex')}`;
    const { stdout, startError } = await run(`grep "_ses.${id}" /proc/keys`, {
      before: (p) => planSessionKeyring(p, { containerId: id }),
    });
    expect(startError).toBeNull();
    // "<id> <flags> <usage> <timeout> <perm> <uid> <gid> keyring _ses.<id>: empty"
    const fields = stdout.trim().split(/\s+/);
    expect(fields[4]).toBe('3f1b0000');
    expect(fields[7]).toBe('keyring');
    expect(fields[8]).toBe(`_ses.${id}:`);
  });
});
