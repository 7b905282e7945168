import { chmodSync } from 'node:fs';
import {
  CLONE_NEWNS,
  CLONE_NEWPID,
  createKernel,
  type Kernel,
  PR_SET_KEEPCAPS,
  Program,
  type ProgramScope,
} from '@gc/syscall';
import {
  BUSYBOX_ENV,
  type BusyboxRoot,
  canRunIntegration,
  createBusyboxRoot,
  planBusyboxRoot,
  runProgram,
  startProgram,
} from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { capabilitiesOf } from './inspect.js';
import { planBoundingSet, planCapabilities, planCapabilitySets } from './plan.js';
import { dockerCapabilitySets } from './resolve.js';

const kernel = createKernel();
/** New mount and PID namespaces: enough for a private /proc on a pivoted root. */
const cloneFlags = CLONE_NEWNS | CLONE_NEWPID;
const DOCKER = dockerCapabilitySets(DOCKER_DEFAULT_CAPABILITIES);
const DOCKER_MASK = '00000000a80425fb';
const NONE = '0000000000000000';

describe.skipIf(!canRunIntegration())('capabilities (integration, root)', () => {
  let root: BusyboxRoot;

  beforeAll(() => {
    root = createBusyboxRoot();
    // mkdtemp made it 0700: uid 1000 must still reach /bin/busybox.
    chmodSync(root.path, 0o755);
  });
  afterAll(() => root.remove());

  function program(plan: (p: Program) => void, argv = ['grep', 'Cap', '/proc/self/status']): Program {
    const p = new Program();
    planBusyboxRoot(p, { root: root.path });
    plan(p);
    p.scope('@gc/test').execvp(argv[0] as string, argv, BUSYBOX_ENV, `exec ${argv[0]}`);
    return p;
  }

  it("Docker's default set: CapEff, CapPrm and CapBnd are a80425fb, nothing inheritable or ambient", async () => {
    const { stdout, stderr, status, startError } = await runToEnd(
      kernel,
      program((p) => planCapabilities(p, DOCKER)),
    );
    expect(startError).toBeNull();
    expect(stderr).toBe('');
    expect(status).toEqual({ code: 0 });
    expect(capLines(stdout)).toEqual({
      CapInh: NONE,
      CapPrm: DOCKER_MASK,
      CapEff: DOCKER_MASK,
      CapBnd: DOCKER_MASK,
      CapAmb: NONE,
    });
  });

  it('uid 1000 keeps an ambient capability across the uid change and the exec (bounding, setresuid, sets)', async () => {
    const bind = ['CAP_NET_BIND_SERVICE'];
    const sets = { bounding: DOCKER.bounding, effective: bind, permitted: bind, inheritable: bind, ambient: bind };
    const p = program(
      (prog) => {
        planBoundingSet(prog, sets);
        planTestUser(prog, 1000, 1000);
        planCapabilitySets(prog, sets);
      },
      ['sh', '-c', 'id -u; grep Cap /proc/self/status'],
    );
    const { stdout, stderr, status, startError } = await runToEnd(kernel, p);
    expect(startError).toBeNull();
    expect(stderr).toBe('');
    expect(status).toEqual({ code: 0 });
    expect(stdout.split('\n')[0]).toBe('1000');
    const bit = '0000000000000400';
    expect(capLines(stdout)).toEqual({ CapInh: bit, CapPrm: bit, CapEff: bit, CapBnd: DOCKER_MASK, CapAmb: bit });
  });

  it('without PR_SET_KEEPCAPS the uid change empties the permitted set and the capset fails: why the order matters', async () => {
    const bind = ['CAP_NET_BIND_SERVICE'];
    const sets = { bounding: DOCKER.bounding, effective: bind, permitted: bind };
    const p = program((prog) => {
      planBoundingSet(prog, sets);
      prog.scope('@gc/test').syscall('prctl', [PR_SET_KEEPCAPS, 0, 0, 0, 0], 'undo KEEPCAPS');
      planTestUser(prog, 1000, 1000);
      planCapabilitySets(prog, sets);
    });
    const { startError, status } = await runToEnd(kernel, p);
    expect(startError?.message).toBe(
      'capset effective 0000000000000400, permitted 0000000000000400, inheritable 0000000000000000 (capabilities): EPERM (Operation not permitted)',
    );
    expect(status).toEqual({ code: 255 });
  });

  it('capabilitiesOf reads the sets of a running container process', async () => {
    const { child } = startProgram(
      kernel,
      program((p) => planCapabilities(p, DOCKER), ['sleep', '100']),
      { cloneFlags },
    );
    try {
      await child.started;
      const caps = await capabilitiesOf(child.pid);
      expect(caps.effective).toEqual(DOCKER.effective);
      expect(caps.bounding).toEqual(DOCKER.bounding);
      expect(caps.inheritable).toEqual([]);
      expect(caps.ambient).toEqual([]);
    } finally {
      child.kill();
      await child.exited;
    }
  });
});

/** Run to the end in new mount and PID namespaces. */
function runToEnd(kernel: Kernel, program: Program) {
  return runProgram(kernel, program, { cloneFlags });
}

/** Plays @gc/credentials' part (this package does not depend on it): become uid:gid with no extra groups. */
function planTestUser(program: ProgramScope, uid: number, gid: number): void {
  const p = program.scope('@gc/test');
  p.syscall('setgroups', [0, null], 'drop supplementary groups');
  p.syscall('setresgid', [gid, gid, gid], `become gid ${gid}`);
  p.syscall('setresuid', [uid, uid, uid], `become uid ${uid}`);
}

/** `CapEff: 00000000a80425fb` lines as a record. */
function capLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(Cap\w+):\s*([0-9a-f]+)$/gm)) out[m[1] as string] = m[2] as string;
  return out;
}
