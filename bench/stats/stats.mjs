// bench/stats: wall time of `gocontainer stats --no-stream` for 1, 10 and 50
// running containers (real processes in real cgroups with a memory limit,
// recorded in the engine's store as `run -d` records them), against
// `podman stats --no-stream` of as many podman containers, in one hyperfine
// run per count; and the time of one sampler pass over all of them. Needs
// root; podman is left out when absent (`--no-podman` to skip it).
//
//   node bench/stats/stats.mjs [--runs N] [--counts 1,10,50] [--no-podman]
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCgroupManager } from '@gc/cgroups';
import { createContainerStore, createStatsSampler } from '@gc/engine';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    counts: { type: 'string', default: '1,10,50' },
    'no-podman': { type: 'boolean', default: false },
  },
});
const counts = values.counts.split(',').map(Number);
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
const BUSYBOX = '/bin/busybox';
const MiB = 1024 * 1024;
const podman = !values['no-podman'] && have('podman');
if (!have('hyperfine')) throw new Error('bench/stats needs hyperfine: apt-get install hyperfine');

const work = mkdtempSync(join(tmpdir(), 'gc-bench-stats-'));
const parent = `/gc-bench-stats-${process.pid}`;
const held = [];
const cgroups = [];
const podmanNames = [];

const startTime = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
};

/** A sleep in a new cgroup with a 64 MiB limit (as `run -d -m 64m` makes), joined before it runs. */
async function startOne(store, i) {
  const record = store.create({
    name: `bench-${i}`,
    image: '',
    path: '/bin/sleep',
    args: ['1000'],
    config: { hostname: 'bench', env: [], workingDir: '/', user: '', tty: false, openStdin: false, labels: {} },
    hostConfig: {
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      logConfig: { type: 'json-file' },
      autoRemove: false,
      memory: 64 * MiB,
      networkMode: 'none',
      init: false,
    },
  });
  const cgroup = createCgroupManager({ id: record.id, parent });
  cgroups.push(cgroup);
  cgroup.create();
  cgroup.apply({ memory: { limit: 64 * MiB } });
  const child = spawn(BUSYBOX, ['sh', '-c', `read _; exec ${BUSYBOX} sleep 1000`], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  held.push({ child, exited: new Promise((resolve) => child.on('exit', resolve)) });
  await cgroup.join(child.pid);
  child.stdin.end('\n');
  store.writeState(record.id, {
    status: 'running',
    pid: child.pid,
    pidStart: startTime(child.pid),
    exitCode: 0,
    oomKilled: false,
    error: '',
    startedAt: new Date().toISOString(),
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
  });
  return { id: record.id, pid: child.pid };
}

/** A busybox root for podman's `--rootfs`. */
function podmanRoot() {
  const root = join(work, 'podman-root');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  symlinkSync('busybox', join(root, 'bin', 'sleep'));
  return root;
}

function startPodman(root, i) {
  const name = `gc-bench-stats-${process.pid}-${i}`;
  // runc (crun refuses this hybrid host); ulimits within the host's hard ones.
  execFileSync(
    'podman',
    [
      'run',
      '-d',
      '--runtime',
      'runc',
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1024:1024',
      '--network',
      'none',
      '--memory',
      '64m',
      '--name',
      name,
      '--rootfs',
      root,
      '/bin/sleep',
      '1000',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  podmanNames.push(name);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const { env, stripped } = benchEnv(false);
  const root = podman ? podmanRoot() : undefined;
  const summary = [];
  for (const count of counts) {
    const dataRoot = join(work, `data-${count}`);
    const store = createContainerStore({ dataRoot });
    const targets = [];
    for (let i = 0; i < count; i++) targets.push(await startOne(store, i));
    if (podman) for (let i = podmanNames.length; i < count; i++) startPodman(root, i);
    // One pass of the sampler over every container, in this process.
    const sampler = createStatsSampler();
    const passMs = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      sampler.read(targets);
      passMs.push(performance.now() - t0);
    }
    const commands = [
      ['node -e 0', `${process.execPath} -e 0`],
      [`gocontainer stats (${count})`, `${process.execPath} ${gocontainer} --data-root ${dataRoot} stats --no-stream`],
    ];
    if (podman) {
      commands.push([`podman stats (${count})`, `podman stats --no-stream ${podmanNames.slice(0, count).join(' ')}`]);
    }
    const results = hyperfine(commands, { runs: values.runs, env, work, shell: false });
    const mean = (prefix) => results.find((r) => r.command.startsWith(prefix))?.mean;
    summary.push({
      count,
      passMs: median(passMs.slice(5)),
      ours: mean('gocontainer'),
      node: mean('node'),
      podman: mean('podman'),
    });
  }
  console.log(`\nbench/stats (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}):`);
  for (const s of summary) {
    const vsPodman =
      s.podman === undefined
        ? ''
        : `; podman stats ${(s.podman * 1000).toFixed(0)} ms (${(s.ours / s.podman).toFixed(2)}x ours)`;
    console.log(
      `  ${String(s.count).padStart(3)} containers: gocontainer stats --no-stream ${(s.ours * 1000).toFixed(0)} ms ` +
        `(node -e 0 ${(s.node * 1000).toFixed(0)} ms); one sampler pass ${s.passMs.toFixed(2)} ms${vsPodman}`,
    );
  }
} finally {
  for (const h of held) h.child.kill('SIGKILL');
  await Promise.all(held.map((h) => h.exited));
  for (const c of cgroups) await c.destroy();
  if (podmanNames.length > 0) execFileSync('podman', ['rm', '-f', '-t', '0', ...podmanNames], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
