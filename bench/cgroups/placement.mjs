// bench/cgroups/placement: putting a new container process into its cgroup,
// two ways, in the same run, on this host's driver (hybrid v1 on the
// development machines). Needs root.
//
//   join:      spawn with a WAIT op, the parent writes the pid into every
//              hierarchy (runc's way), then releases the child;
//   placement: openPlacement(): CLONE_INTO_CGROUP for the cgroup2 part, and
//              the child writes "0" to each v1 `tasks` file itself.
//
// Each cycle: create + limit, spawn /bin/true placed either way, wait for its
// exit, destroy. Cycles are spaced by --gap ms (default 50), as separate
// `gocontainer run`s are: back-to-back moves share one RCU grace period,
// which hides what a single start pays.
//
//   node bench/cgroups/placement.mjs [--count N] [--gap MS]
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createCgroupManager, planCgroupPlacement } from '@gc/cgroups';
import { createKernel, Program } from '@gc/syscall';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '30' }, gap: { type: 'string', default: '50' } },
});
const count = Number(values.count);
const gap = Number(values.gap);
const parent = `/gc-bench-placement-${process.pid}`;
const kernel = createKernel();
const resources = { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 64 } };

function program(selfMove, wait) {
  const p = new Program();
  const s = p.scope('bench');
  p.setFds([
    { target: 0, source: 0 },
    { target: 1, source: 1 },
    { target: 2, source: 2 },
  ]);
  if (wait) s.wait('wait for the join');
  planCgroupPlacement(p, { selfMove });
  s.execvp('/bin/true', ['true'], [], 'exec /bin/true');
  return p;
}

async function cycle(id, way) {
  const t0 = performance.now();
  const cgroup = createCgroupManager({ id, parent });
  cgroup.create();
  cgroup.apply(resources);
  let child;
  if (way === 'placement') {
    const placement = cgroup.openPlacement();
    child = kernel.spawn(
      program(placement.selfMove, false),
      placement.cloneInto === undefined ? {} : { cgroupFd: placement.cloneInto },
    );
    if (placement.cloneInto !== undefined) kernel.close(placement.cloneInto);
    for (const { fd } of placement.selfMove) kernel.close(fd);
  } else {
    const cgroupFd = cgroup.openDirFd();
    child = kernel.spawn(program([], true), cgroupFd === undefined ? {} : { cgroupFd });
    if (cgroupFd !== undefined) kernel.close(cgroupFd);
    await cgroup.join(child.pid);
    child.release();
  }
  await child.started;
  const t1 = performance.now();
  const status = await child.exited;
  if (status.code !== 0) throw new Error(`${way}: /bin/true exited with ${JSON.stringify(status)}`);
  await cgroup.destroy();
  return { start: t1 - t0, total: performance.now() - t0, driver: cgroup.driver };
}

const results = { join: [], placement: [] };
let driver = '';
for (let i = 0; i < count + 3; i++) {
  // Alternate, so that both see the same machine.
  for (const way of i % 2 ? ['join', 'placement'] : ['placement', 'join']) {
    const r = await cycle(`${way}-${i}`, way);
    driver = r.driver;
    if (i >= 3) results[way].push(r);
    await sleep(gap);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`cgroups placement (${driver}): ${count} starts each way, ${gap} ms apart`);
for (const way of ['join', 'placement']) {
  const rs = results[way];
  console.log(
    `  ${way.padEnd(10)} create + limit + spawn until exec: ${median(rs.map((r) => r.start)).toFixed(2)} ms median; ` +
      `whole cycle: ${median(rs.map((r) => r.total)).toFixed(2)} ms median`,
  );
}
const ratio = median(results.join.map((r) => r.start)) / median(results.placement.map((r) => r.start));
console.log(`  join / placement (until exec): ${ratio.toFixed(1)}x`);
