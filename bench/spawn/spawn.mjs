// bench/spawn: in-process spawns per second of /bin/true with mount, UTS, IPC,
// PID, net and cgroup namespaces + pivot_root + /proc, against `runc run` (and
// `crun run`) of the same root filesystem, in the same run.
//
//   node bench/spawn/spawn.mjs [--count N] [--runc-count M]
import { parseArgs } from 'node:util';
import { createKernel, Program } from '@gc/syscall';
import { CONTAINER_CLONE_FLAGS, createBusyboxRoot, planBusyboxRoot } from '@gc/syscall/testing';
import { have, makeBundle, timeRuntime } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '500' }, 'runc-count': { type: 'string', default: '40' } },
});
const count = Number(values.count);
const runtimeCount = Number(values['runc-count']);

function plan(root) {
  const program = new Program();
  planBusyboxRoot(program, { root });
  program.scope('@gc/bench').execvp('/bin/true', ['/bin/true'], ['PATH=/bin'], 'exec /bin/true');
  program.setFds([]);
  return program;
}

const root = createBusyboxRoot();
const bundle = makeBundle(root.path, ['/bin/true']);
try {
  const kernel = createKernel();
  // Warm up koffi, the reaper thread and the JIT.
  for (let i = 0; i < 20; i++) await kernel.spawn(plan(root.path), { cloneFlags: CONTAINER_CLONE_FLAGS }).exited;

  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const status = await kernel.spawn(plan(root.path), { cloneFlags: CONTAINER_CLONE_FLAGS }).exited;
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
