// bench/spawn: in-process spawns per second of /bin/true with mount, UTS, IPC,
// PID, net and cgroup namespaces + pivot_root + /proc, against `runc run` (and
// `crun run`) of the same root filesystem, in the same run.
//
//   node bench/spawn/spawn.mjs [--count N] [--runc-count M]
import { parseArgs } from 'node:util';
import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
  createKernel,
  Program,
} from '@gc/syscall';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { have, makeBundle, timeRuntime } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '500' }, 'runc-count': { type: 'string', default: '40' } },
});
const count = Number(values.count);
const runtimeCount = Number(values['runc-count']);

const FLAGS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
const MS_BIND = 0x1000,
  MS_REC = 0x4000,
  MS_PRIVATE = 1 << 18,
  MS_NOSUID = 2,
  MS_NODEV = 4,
  MS_NOEXEC = 8,
  MNT_DETACH = 2;

function plan(root) {
  const program = new Program();
  const p = program.scope('@gc/bench');
  p.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
  p.syscall('mount', [root, root, null, MS_BIND | MS_REC, null], 'bind the root on itself');
  p.syscall('chdir', [root], 'chdir to the root');
  p.syscall('pivot_root', ['.', '.'], 'pivot_root to .');
  p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
  p.syscall('chdir', ['/'], 'chdir to /');
  p.syscall('mount', ['proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null], 'mount proc on /proc');
  p.execvp('/bin/true', ['/bin/true'], ['PATH=/bin'], 'exec /bin/true');
  program.setFds([]);
  return program;
}

const root = createBusyboxRoot();
const bundle = makeBundle(root.path, ['/bin/true']);
try {
  const kernel = createKernel();
  // Warm up koffi, the reaper thread and the JIT.
  for (let i = 0; i < 20; i++) await kernel.spawn(plan(root.path), { cloneFlags: FLAGS }).exited;

  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const status = await kernel.spawn(plan(root.path), { cloneFlags: FLAGS }).exited;
    if (status.code !== 0) throw new Error(`spawn ${i}: ${JSON.stringify(status)}`);
  }
  const ours = Number(process.hrtime.bigint() - start) / 1e9 / count;

  const rows = [['gocontainer spawn (in-process)', ours]];
  const notes = [];
  for (const runtime of ['runc', 'crun']) {
    if (!have(runtime)) {
      notes.push(`${runtime}: not installed`);
      continue;
    }
    const t = timeRuntime(runtime, bundle.path, runtimeCount);
    if (typeof t === 'number') rows.push([`${runtime} run`, t]);
    else notes.push(`${runtime}: cannot run here: ${t.unavailable}`);
  }
  console.log(`bench/spawn: /bin/true in new mnt+uts+ipc+pid+net+cgroup namespaces, pivot_root, /proc`);
  for (const [name, s] of rows) {
    console.log(
      `  ${name.padEnd(32)} ${(s * 1000).toFixed(2).padStart(8)} ms/spawn ${(1 / s).toFixed(1).padStart(9)} spawns/s`,
    );
  }
  for (const [name, s] of rows.slice(1)) {
    console.log(`  ratio vs ${name}: ${(s / ours).toFixed(1)}x (target >= 10x)`);
  }
  for (const note of notes) console.log(`  ${note}`);
} finally {
  bundle.remove();
  root.remove();
}
