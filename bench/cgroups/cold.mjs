// bench/cgroups/cold: one container's cgroup lifecycle in a fresh Node
// process, step by step, as `gocontainer run` pays it (cold JIT, first use of
// every file): createCgroupManager, create, openDirFd, join, oomKilled +
// stats, destroy. Runs N fresh processes and reports the median of each step.
// Needs root and the package built.
//
//   node bench/cgroups/cold.mjs [--runs N] [--limits]
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    limits: { type: 'boolean', default: false },
    once: { type: 'boolean', default: false },
  },
});

if (values.once) {
  // One run: print the step timings (ms) as JSON.
  const t = {};
  let last = performance.now();
  const step = (name) => {
    const now = performance.now();
    t[name] = now - last;
    last = now;
  };
  const { createCgroupManager } = await import('@gc/cgroups');
  step('import');
  // The process to join, held at `read` (and idle: it would compete for the CPU while starting).
  const held = spawn('/bin/busybox', ['sh', '-c', 'echo; read _'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => held.on('exit', resolve));
  await new Promise((resolve) => held.stdout.once('data', resolve));
  last = performance.now();
  const cgroup = createCgroupManager({ id: 'c', parent: `/gc-cold-${process.pid}` });
  step('createCgroupManager');
  cgroup.create();
  step('create');
  if (values.limits) {
    cgroup.apply({ memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 64 } });
    step('apply');
  }
  const fd = cgroup.openDirFd();
  step('openDirFd');
  await cgroup.join(held.pid);
  step('join');
  held.stdin.end('\n');
  await exited;
  last = performance.now();
  const oom = cgroup.oomKilled();
  const limit = cgroup.stats().memory?.limit;
  step('oomKilled+stats');
  await cgroup.destroy();
  step('destroy');
  if (fd !== undefined) (await import('node:fs')).closeSync(fd);
  if (oom || (values.limits && limit !== 64 * 1024 * 1024)) throw new Error(`unexpected oom=${oom} limit=${limit}`);
  console.log(JSON.stringify(t));
} else {
  const self = fileURLToPath(import.meta.url);
  const runs = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const args = [self, '--once', ...(values.limits ? ['--limits'] : [])];
    // As the CLI starts: more libuv threads, so join's writes run at once.
    const env = { ...process.env, UV_THREADPOOL_SIZE: '12' };
    runs.push(JSON.parse(execFileSync(process.execPath, args, { env, encoding: 'utf8' })));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`cgroups cold (${runs.length} fresh processes), median ms per step:`);
  let total = 0;
  for (const name of Object.keys(runs[0])) {
    const m = median(runs.map((r) => r[name]));
    if (name !== 'import') total += m;
    console.log(`  ${name.padEnd(20)} ${m.toFixed(3).padStart(8)}`);
  }
  console.log(`  ${'sum (w/o import)'.padEnd(20)} ${total.toFixed(3).padStart(8)}`);
}
