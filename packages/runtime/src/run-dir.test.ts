import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentOwner } from './process-owner.js';
import { createRunDir, sweepRunDirs } from './run-dir.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), 'gc-run-dir-'));
  roots.push(r);
  return r;
}

/** A pid that no longer runs: a child that exited and was reaped. */
const deadPid = () => spawnSync('true').pid as number;

/** A run directory as another gocontainer leaves it. */
function leave(root: string, name: string, owner: object | undefined): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'upper'), { recursive: true });
  if (owner) writeFileSync(join(dir, 'owner'), JSON.stringify(owner));
  return dir;
}

function recordingCgroups() {
  const destroyed: Array<[string, readonly string[]]> = [];
  return {
    destroyed,
    cgroup: (path: string, parents: readonly string[]) => ({
      destroy: async () => {
        destroyed.push([path, parents]);
      },
    }),
  };
}

describe('createRunDir', () => {
  it('makes the directory complete, with an owner record naming this process and its start time', async () => {
    const root = tempRoot();
    const dir = createRunDir('c1', { root, overlay: true });
    expect(readdirSync(root)).toEqual(['c1']);
    expect(readdirSync(dir.path).sort()).toEqual(['merged', 'owner', 'upper', 'work']);
    expect(dir.overlay?.upper).toBe(join(dir.path, 'upper'));
    const plain = createRunDir('c2', { root });
    expect(readdirSync(plain.path)).toEqual(['owner']);
    expect(plain.overlay).toBeUndefined();
    await plain.remove();
    const owner = JSON.parse(readFileSync(join(dir.path, 'owner'), 'utf8'));
    expect(owner).toEqual(currentOwner());
    expect(owner.pid).toBe(process.pid);

    dir.recordCgroup({ path: '/gocontainer/c1', missingParents: () => ['/sys/fs/cgroup/pids/gocontainer'] });
    expect(JSON.parse(readFileSync(join(dir.path, 'owner'), 'utf8'))).toEqual({
      ...owner,
      cgroup: '/gocontainer/c1',
      cgroupParents: ['/sys/fs/cgroup/pids/gocontainer'],
    });
    expect(readdirSync(dir.path)).not.toContain('owner.new');
    await dir.remove();
    await dir.remove();
    expect(readdirSync(root)).toEqual([]);
  });

  it('names the directory and the errno when it cannot be made, and leaves nothing', () => {
    const root = tempRoot();
    writeFileSync(join(root, 'file'), '');
    expect(() => createRunDir('c1', { root: join(root, 'file') })).toThrow(
      `create the run directory ${root}/file/c1: EEXIST (File exists)`,
    );
    mkdirSync(join(root, 'taken', 'c1', 'x'), { recursive: true });
    expect(() => createRunDir('c1', { root: join(root, 'taken') })).toThrow(/^create the run directory .*: ENOTEMPTY/);
    expect(readdirSync(join(root, 'taken'))).toEqual(['c1']);
  });
});

describe('sweepRunDirs', () => {
  it("removes a dead owner's cgroup, then its directory; keeps what a live owner uses", async () => {
    const root = tempRoot();
    const me = currentOwner();
    const dead = { pid: deadPid(), start: me.start };
    leave(root, 'dead', {
      ...dead,
      cgroup: '/gocontainer/dead',
      cgroupParents: ['/sys/fs/cgroup/pids/gocontainer', '/sys/fs/cgroup/pids/system.slice', '/etc/gocontainer'],
    });
    leave(root, 'alive', { ...me, cgroup: '/gocontainer/alive' });
    // The same pid, another start time: another process now has the pid of the dead owner.
    leave(root, 'reused', { pid: me.pid, start: me.start - 1, cgroup: '/gocontainer/reused' });
    leave(root, 'not-ours', undefined);
    leave(root, 'legacy', { pid: dead.pid }); // an owner without a start time is not trusted
    const cgroups = recordingCgroups();
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    expect(cgroups.destroyed.sort()).toEqual([
      ['/gocontainer/dead', ['/sys/fs/cgroup/pids/gocontainer']],
      ['/gocontainer/reused', []],
    ]);
    expect(readdirSync(root).sort()).toEqual(['alive', 'legacy', 'not-ours']);
  });

  it('handOver makes another process the owner: the sweep keeps the directory while it runs, and not after', async () => {
    const root = tempRoot();
    const child = spawn('sleep', ['30']);
    await new Promise((r) => child.once('spawn', r));
    const dir = createRunDir('c1', { root });
    dir.recordCgroup({ path: '/gocontainer/c1', missingParents: () => [] });
    dir.handOver(child.pid as number);
    const owner = JSON.parse(readFileSync(join(dir.path, 'owner'), 'utf8'));
    expect(owner).toMatchObject({ pid: child.pid, cgroup: '/gocontainer/c1' });
    expect(owner.start).not.toBe(currentOwner().start);
    const cgroups = recordingCgroups();
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    expect(readdirSync(root)).toEqual(['c1']);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    expect(cgroups.destroyed).toEqual([['/gocontainer/c1', []]]);
    expect(readdirSync(root)).toEqual([]);
    // A pid that is gone already: a dead owner's directory.
    const gone = createRunDir('c2', { root });
    gone.handOver(deadPid());
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes a directory a killed process was still making: its name says whose it was', async () => {
    const root = tempRoot();
    const me = currentOwner();
    leave(root, `.new-${deadPid()}-${me.start}-c1`, undefined);
    leave(root, `.new-${me.pid}-${me.start}-c2`, undefined);
    leave(root, `.gone-${deadPid()}-${me.start}-c3`, { pid: deadPid(), start: 1, cgroup: '/gocontainer/c3' });
    const cgroups = recordingCgroups();
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    // A sweeper that died sweeping c3: its cgroup is destroyed again.
    expect(cgroups.destroyed).toEqual([['/gocontainer/c3', []]]);
    expect(readdirSync(root)).toEqual([`.new-${me.pid}-${me.start}-c2`]);
  });

  it('leaves a directory whose cgroup it cannot remove, claimed, for the next sweep', async () => {
    const root = tempRoot();
    const me = currentOwner();
    leave(root, 'dead', { pid: deadPid(), start: me.start, cgroup: '/gocontainer/dead' });
    await sweepRunDirs({
      root,
      cgroup: () => ({
        destroy: async () => {
          throw new Error('EBUSY');
        },
      }),
    });
    expect(readdirSync(root)).toEqual([`.gone-${me.pid}-${me.start}-dead`]);
  });

  it("lets the caller release what it keeps elsewhere for a dead owner's container first; a failure keeps the directory", async () => {
    const root = tempRoot();
    const me = currentOwner();
    leave(root, 'dead-1', { pid: deadPid(), start: me.start });
    leave(root, 'dead-2', { pid: deadPid(), start: me.start });
    leave(root, 'alive', { ...me });
    const seen: string[] = [];
    await sweepRunDirs({
      root,
      cgroup: recordingCgroups().cgroup,
      beforeRemove: (dir, id) => {
        seen.push(id);
        expect(readdirSync(dir)).toContain('owner');
        if (id === 'dead-2') throw new Error('store busy');
      },
    });
    expect(seen.sort()).toEqual(['dead-1', 'dead-2']);
    expect(readdirSync(root).sort()).toEqual([`.gone-${me.pid}-${me.start}-dead-2`, 'alive']);
  });

  it("trusts no record that names another container's cgroup, nor a root others can write to", async () => {
    const root = tempRoot();
    const me = currentOwner();
    // A forged record: the directory "dead" naming a cgroup that is not dead's.
    leave(root, 'dead', { pid: deadPid(), start: me.start, cgroup: '/system.slice' });
    const cgroups = recordingCgroups();
    await sweepRunDirs({ root, cgroup: cgroups.cgroup });
    expect(cgroups.destroyed).toEqual([]);

    const open = tempRoot();
    chmodSync(open, 0o777);
    leave(open, 'c1', { pid: deadPid(), start: me.start, cgroup: '/gocontainer/c1' });
    await sweepRunDirs({ root: open, cgroup: cgroups.cgroup });
    expect(cgroups.destroyed).toEqual([]);
    expect(readdirSync(open)).toEqual(['c1']);
    expect(() => createRunDir('c2', { root: open })).toThrow(
      `the run root ${open} must be a directory owned by uid ${process.geteuid?.()} that no group or other user can write to`,
    );
  });

  it('does nothing without a run root', async () => {
    await expect(sweepRunDirs({ root: join(tempRoot(), 'none') })).resolves.toBeUndefined();
  });
});
