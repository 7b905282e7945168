// bench/detached: what a detached container costs. The resident memory of
// gocontainer's gc-monitor (against podman's conmon), and the wall time of
// starting N detached containers of the same image one after the other,
// listing them, and removing them, against `podman run -d`, in the same run.
//
//   node bench/detached/detached.mjs [--count N] [--keep-env]
//
// Each engine keeps its state in a temp dir, removed afterwards. Listing and
// removing use `gocontainer ps -a` and `rm -f` where this build has them;
// otherwise what they do is done directly (the store read; a stop request,
// SIGKILL of the init and the monitor's removal), and the output says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnv } from '../lib/hyperfine.mjs';
import { have } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100' }, 'keep-env': { type: 'boolean', default: false } },
});
const COUNT = Number(values.count);
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
const buildImages = fileURLToPath(new URL('../../scripts/test-images/build-images.sh', import.meta.url));
const IMAGE = 'localhost/gc-e2e-busybox:1';

const { env, stripped } = benchEnv(values['keep-env']);
const work = mkdtempSync(join(tmpdir(), 'gc-bench-detached-'));

/** `/proc/PID/status` VmRSS and smaps_rollup Pss, in KiB. */
function memoryOf(pid) {
  try {
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const pss = Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return { rss, pss };
  } catch {
    return undefined;
  }
}

/** Pids whose command line starts with `program` and mentions `needle`. */
function pidsOf(program, needle) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.split('\0')[0]?.endsWith(program) && cmd.includes(needle)) out.push(Number(name));
    } catch {}
  }
  return out;
}

function timed(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const sh = (cmd) => execFileSync('bash', ['-c', cmd], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function average(list) {
  const ok = list.filter(Boolean);
  const sum = (k) => ok.reduce((a, m) => a + m[k], 0);
  return { n: ok.length, rss: sum('rss') / ok.length, pss: sum('pss') / ok.length };
}

const results = [];
try {
  const images = join(work, 'images');
  execFileSync(buildImages, [images], { stdio: ['ignore', 'ignore', 'inherit'] });
  const archive = join(images, 'busybox-docker.tar');

  // gocontainer
  const dataRoot = join(work, 'gocontainer');
  const runRoot = join(work, 'gocontainer-run');
  const gc = `${process.execPath} ${gocontainer} --root ${runRoot} --data-root ${dataRoot}`;
  sh(`${gc} load -i ${archive}`);
  const hasPs = spawnSync('bash', ['-c', `${gc} ps -a -q`], { env }).status === 0;
  const hasRm = spawnSync('bash', ['-c', `${gc} rm --help`], { env }).status === 0;
  const ids = [];
  const start = timed(() => {
    for (let i = 0; i < COUNT; i++) ids.push(sh(`${gc} run -d ${IMAGE} sleep 3600`).trim());
  });
  const monitors = pidsOf('gc-monitor', dataRoot);
  const mem = average(monitors.map(memoryOf));
  const containers = join(dataRoot, 'engine', 'containers');
  let listed = 0;
  const list = timed(() => {
    listed = hasPs
      ? sh(`${gc} ps -a -q`).trim().split('\n').filter(Boolean).length
      : Number(
          sh(
            `${process.execPath} -e 'const fs=require("fs");let n=0;for(const d of fs.readdirSync(${JSON.stringify(containers)}))if(/^[0-9a-f]{64}$/.test(d)){JSON.parse(fs.readFileSync(${JSON.stringify(containers)}+"/"+d+"/container.json"));JSON.parse(fs.readFileSync(${JSON.stringify(containers)}+"/"+d+"/state.json"));n++}console.log(n)'`,
          ),
        );
  });
  const remove = timed(() => {
    if (hasRm) {
      sh(`${gc} rm -f ${ids.join(' ')}`);
      return;
    }
    for (const id of ids) {
      const dir = join(containers, id);
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
      writeFileSync(join(dir, 'stop-requested'), '');
      process.kill(state.pid, 'SIGKILL');
      while (
        existsSync(`/proc/${state.monitorPid}`) &&
        !readFileSync(`/proc/${state.monitorPid}/stat`, 'utf8').includes(') Z')
      ) {
        spawnSync('sleep', ['0.01']);
      }
      sh(`${gc} __remove-container ${id}`);
    }
  });
  results.push({ engine: 'gocontainer', start, list, listed, remove, mem, monitors: monitors.length });

  if (have('podman')) {
    const p = join(work, 'podman');
    mkdirSync(join(p, 'tmp'), { recursive: true });
    writeFileSync(join(p, 'registries.conf'), 'unqualified-search-registries = []\n');
    writeFileSync(
      join(p, 'containers.conf'),
      '[containers]\nnetns = "none"\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n',
    );
    env.CONTAINERS_REGISTRIES_CONF = join(p, 'registries.conf');
    env.CONTAINERS_CONF = join(p, 'containers.conf');
    const podman = `podman --root ${p}/root --runroot ${p}/runroot --tmpdir ${p}/tmp --cgroup-manager cgroupfs --events-backend none --runtime runc`;
    sh(`${podman} load -q -i ${archive}`);
    const pids = [];
    const pstart = timed(() => {
      for (let i = 0; i < COUNT; i++) pids.push(sh(`${podman} run -d ${IMAGE} sleep 3600`).trim());
    });
    const conmons = pidsOf('conmon', `${p}/`);
    const pmem = average(conmons.map(memoryOf));
    let plisted = 0;
    const plist = timed(() => {
      plisted = sh(`${podman} ps -a -q`).trim().split('\n').filter(Boolean).length;
    });
    const premove = timed(() => sh(`${podman} rm -f -t 0 ${pids.join(' ')}`));
    results.push({
      engine: 'podman',
      start: pstart,
      list: plist,
      listed: plisted,
      remove: premove,
      mem: pmem,
      monitors: conmons.length,
    });
  }

  console.log(
    `\nbench/detached, ${COUNT} containers of ${IMAGE} (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}):`,
  );
  if (!hasPs || !hasRm) {
    console.log(
      `  (this build has no ${[hasPs ? '' : 'ps', hasRm ? '' : 'rm'].filter(Boolean).join(' or ')}: done directly, see the script)`,
    );
  }
  for (const r of results) {
    console.log(
      `  ${r.engine.padEnd(12)} start ${r.start.toFixed(2).padStart(6)} s (${((r.start / COUNT) * 1000).toFixed(0)} ms each)` +
        `   list ${(r.list * 1000).toFixed(0).padStart(5)} ms (${r.listed})   remove ${r.remove.toFixed(2).padStart(6)} s` +
        `   monitor RSS ${(r.mem.rss / 1024).toFixed(2)} MiB, PSS ${(r.mem.pss / 1024).toFixed(2)} MiB (mean of ${r.monitors})`,
    );
  }
  const [ours, theirs] = results;
  if (theirs) {
    console.log(
      `  gocontainer / podman: start ${(ours.start / theirs.start).toFixed(2)}x, list ${(ours.list / theirs.list).toFixed(2)}x, remove ${(ours.remove / theirs.remove).toFixed(2)}x, monitor RSS ${(ours.mem.rss / theirs.mem.rss).toFixed(2)}x`,
    );
  }
} finally {
  // Whatever is left running of ours: the inits (by their state files) and the monitors.
  const containers = join(work, 'gocontainer', 'engine', 'containers');
  if (existsSync(containers)) {
    for (const d of readdirSync(containers)) {
      try {
        const s = JSON.parse(readFileSync(join(containers, d, 'state.json'), 'utf8'));
        writeFileSync(join(containers, d, 'stop-requested'), '');
        if (s.pid) process.kill(s.pid, 'SIGKILL');
      } catch {}
    }
  }
  await sleep(500);
  for (const pid of pidsOf('gc-monitor', work)) process.kill(pid, 'SIGKILL');
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m) => m?.startsWith(work))
    .reverse();
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  spawnSync('bash', [
    '-c',
    `${process.execPath} ${gocontainer} --root ${join(work, 'gocontainer-run')} __cleanup-container all`,
  ]);
  rmSync(work, { recursive: true, force: true });
}
