// bench/api: containers per second started and reaped by one Node process
// through the in-process API (createRuntime: create, start, wait, delete of a
// busybox /bin/true), 1, 10 and 50 at a time, against `runc run` of the same
// root in a sequential loop. Every container must succeed (exit 0) and
// nothing may be left behind (state directories, cgroups).
//
//   node bench/api/api.mjs [--count N] [--runc-count N] [--concurrency 1,10,50] [--state-parent DIR] [--before CHECKOUT]
//
// --before: also measure another built checkout's @gc/runtime
// (CHECKOUT/packages/runtime/dist/index.js), level by level in the same run.
//
// The state directories (createRuntime's root, runc's --root) are made in
// --state-parent, default /dev/shm: a tmpfs, as /run (where both keep their
// state by default) is on a usual machine. Every state write is synced
// (atomic-write.ts), which costs ~2 ms a write on a disk.
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime } from '@gc/runtime';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { have, makeBundle, timeRuntime } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    'runc-count': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1,10,50' },
    'state-parent': { type: 'string', default: '/dev/shm' },
    before: { type: 'string' },
  },
});
const count = Number(values.count);
const levels = values.concurrency.split(',').map(Number);
const TARGET = 15;

/** The config of each container (the integration test's): new namespaces, /proc, a /dev, a pids limit. */
function config(args) {
  return {
    ociVersion: '1.2.0',
    process: { args, cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } },
    root: { path: 'rootfs' },
    hostname: 'sandbox',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network' }],
      resources: { devices: [{ allow: false, access: 'rwm' }], pids: { limit: 64 } },
    },
  };
}

const bundle = mkdtempSync(join(tmpdir(), 'gc-bench-api-'));
renameSync(createBusyboxRoot().path, join(bundle, 'rootfs'));
const stateParent = values['state-parent'];
const root = mkdtempSync(join(stateParent, 'gc-bench-api-root-'));
const runtime = createRuntime({ root });
const spec = config(['/bin/true']);
const beforeRuntime = values.before
  ? (await import(join(values.before, 'packages/runtime/dist/index.js'))).createRuntime({ root })
  : undefined;

/** `count` containers, `concurrency` at a time; resolves with containers/s and the failures. */
async function rate(runtime, concurrency, label) {
  let next = 0;
  const failures = [];
  const worker = async () => {
    while (next < count) {
      const id = `bench-api-${process.pid}-${label}-${next++}`;
      try {
        await runtime.create(id, { bundle, config: spec });
        await runtime.start(id);
        const { exitCode } = await runtime.wait(id);
        await runtime.delete(id);
        if (exitCode !== 0) failures.push(`${id}: exit ${exitCode}`);
      } catch (e) {
        failures.push(`${id}: ${e.message}`);
        await runtime.delete(id, { force: true }).catch(() => undefined);
      }
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: count / seconds, failures };
}

try {
  const results = [];
  // A few first, so that the first level does not pay for the code's first compile.
  for (const rt of [runtime, beforeRuntime].filter(Boolean)) {
    for (let i = 0; i < 5; i++) {
      const id = `bench-api-${process.pid}-warm-${i}`;
      await rt.create(id, { bundle, config: spec });
      await rt.start(id);
      await rt.wait(id);
      await rt.delete(id);
    }
  }
  for (const c of levels) {
    for (const [name, rt] of [
      ['createRuntime', runtime],
      ['before', beforeRuntime],
    ]) {
      if (!rt) continue;
      const r = await rate(rt, c, `${name}-c${c}`);
      results.push({ name, concurrency: c, ...r });
      console.log(
        `  ${name}, ${String(c).padStart(3)} at a time: ${r.perSecond.toFixed(1)} containers/s, ${r.failures.length} failures of ${count}`,
      );
      for (const f of r.failures.slice(0, 5)) console.log(`      ${f}`);
    }
  }
  let runc;
  if (have('runc')) {
    const rb = makeBundle(join(bundle, 'rootfs'), ['/bin/true']);
    try {
      const s = timeRuntime('runc', rb.path, Number(values['runc-count']), stateParent);
      runc = typeof s === 'number' ? 1 / s : undefined;
      if (runc === undefined) console.log(`  runc: ${s.unavailable}`);
    } finally {
      rb.remove();
    }
  }
  const left = readdirSync(root);
  const cgroups = existsSync('/sys/fs/cgroup/pids/gocontainer')
    ? readdirSync('/sys/fs/cgroup/pids/gocontainer').filter((d) => d.startsWith(`bench-api-${process.pid}-`))
    : [];
  console.log(
    `\nbench/api (node ${process.version}; ${count} containers per level, /bin/true; state in ${stateParent}):`,
  );
  if (runc !== undefined) console.log(`  runc run, sequential: ${runc.toFixed(1)} containers/s`);
  for (const r of results) {
    const ratio = runc === undefined ? '' : `  ${(r.perSecond / runc).toFixed(2)}x runc (target >= ${TARGET}x)`;
    console.log(
      `  ${r.name.padEnd(13)}, ${String(r.concurrency).padStart(2)} at a time: ${r.perSecond.toFixed(1).padStart(7)} containers/s${ratio}, ${r.failures.length} failures`,
    );
  }
  console.log(`  left behind: ${left.length} state entries, ${cgroups.length} pids cgroups`);
  if (results.some((r) => r.name === 'createRuntime' && r.failures.length > 0) || left.length > 0 || cgroups.length > 0)
    process.exitCode = 1;
} finally {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}
