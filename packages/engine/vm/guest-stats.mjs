// Run inside the cgroup v2 VM (by @gc/cgroups' vm/run-vm.sh): the stats
// sampler on real v2 cgroups, as stats-sampler.integration.test.ts does on
// the host. Plain Node rather than vitest, whose worker does not start within
// its fixed minute under software emulation on a busy host. Writes what it
// measured, as JSON, for stats-cgroup2-vm.integration.test.ts to assert.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createCgroupManager, detectCgroupLayout } from '@gc/cgroups';
import { createStatsSampler } from '../dist/index.js';

const BUSYBOX = '/bin/busybox';
const PARENT = `/gc-stats-vm-${process.pid}`;
const MiB = 1024 * 1024;
const out = `${process.env.GC_CGROUP2_VM_DIR}/out/stats.json`;

/** A process's user + system time in clock ticks (/proc/PID/stat fields 14 and 15). */
const cpuTicks = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function runIn(cgroup, command) {
  const child = spawn(BUSYBOX, ['sh', '-c', `read _; ${command}`], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await cgroup.join(child.pid);
  child.stdin.end('\n');
  return { child, exited };
}

const cgroups = [];
const held = [];
const report = {};
try {
  const mem = createCgroupManager({ id: 'mem', parent: PARENT });
  const busy = createCgroupManager({ id: 'busy', parent: PARENT });
  cgroups.push(mem, busy);
  for (const c of cgroups) c.create();
  mem.apply({ memory: { limit: 96 * MiB } });
  report.driver = mem.driver;
  held.push(
    await runIn(mem, `x=$(${BUSYBOX} head -c 8000000 /dev/zero | ${BUSYBOX} tr '\\0' a); ${BUSYBOX} sleep 1000 & wait`),
  );
  held.push(await runIn(busy, 'while :; do :; done'));
  for (const end = Date.now() + 60_000; mem.pids().length !== 2 && Date.now() < end; ) await sleep(50);
  const targets = [
    { id: 'mem', pid: held[0].child.pid },
    { id: 'busy', pid: held[1].child.pid },
  ];
  const sampler = createStatsSampler();
  const t0 = performance.now();
  const ticks0 = cpuTicks(held[1].child.pid);
  const first = sampler.read(targets, { cpuOnly: true });
  await sleep(1000);
  const stats = sampler.compute(['mem', 'busy'], first, sampler.read(targets));
  // The loop's share of a CPU by the kernel's account (ticks of 10 ms), over about the same time.
  report.busyExpected = ((cpuTicks(held[1].child.pid) - ticks0) * 10 * 100) / (performance.now() - t0);
  report.mem = stats.get('mem');
  report.busy = stats.get('busy');
  report.hostMemory = Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
} catch (e) {
  report.error = e.stack;
} finally {
  for (const h of held) h.child.kill('SIGKILL');
  await Promise.all(held.map((h) => h.exited));
  for (const c of cgroups) await c.destroy();
  report.leftover = existsSync(`${detectCgroupLayout().unified}${PARENT}`);
  writeFileSync(out, JSON.stringify(report));
  console.log('[guest-stats]', JSON.stringify(report));
}
