// bench/image/run: wall time of `gocontainer run busybox true` against
// `podman run --rm busybox true` and `docker run --rm busybox true`, the same
// image loaded into each engine first, in one hyperfine run.
//
//   node bench/image/run.mjs [--runs N] [--keep-env]
//
// Each engine keeps its state in a temp dir (podman's --root/--runroot, a
// dockerd of its own with its own containerd), removed afterwards; dockerd is
// stopped by its pid. NODE_EXTRA_CA_CERTS is removed from the environment as
// bench/run does (see there), unless --keep-env.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, 'keep-env': { type: 'boolean', default: false } },
});
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
const buildImages = fileURLToPath(new URL('../../scripts/test-images/build-images.sh', import.meta.url));
const IMAGE = 'localhost/gc-e2e-busybox:1';

if (!have('hyperfine')) throw new Error('bench/image needs hyperfine: apt-get install hyperfine');
const work = mkdtempSync(join(tmpdir(), 'gc-bench-image-'));
const { env, stripped } = benchEnv(values['keep-env']);
let dockerd;
try {
  const images = join(work, 'images');
  execFileSync(buildImages, [images], { stdio: ['ignore', 'ignore', 'inherit'] });
  const archive = join(images, 'busybox-docker.tar');

  const dataRoot = join(work, 'gocontainer');
  const gc = `${process.execPath} ${gocontainer} --data-root ${dataRoot}`;
  execFileSync(process.execPath, [gocontainer, '--data-root', dataRoot, 'load', '-i', archive], { stdio: 'ignore' });
  execFileSync(process.execPath, [gocontainer, '--data-root', dataRoot, 'tag', IMAGE, 'busybox'], { stdio: 'ignore' });
  const commands = [['gocontainer run', `${gc} run busybox true`]];

  if (have('podman')) {
    const p = join(work, 'podman');
    mkdirSync(join(p, 'tmp'), { recursive: true });
    writeFileSync(join(p, 'registries.conf'), 'unqualified-search-registries = []\n');
    writeFileSync(
      join(p, 'containers.conf'),
      // No CAP_SYS_RESOURCE on these machines: podman's default nofile (1048576) cannot be set (as in e2e/support/podman.ts).
      '[containers]\nnetns = "none"\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n',
    );
    env.CONTAINERS_REGISTRIES_CONF = join(p, 'registries.conf');
    env.CONTAINERS_CONF = join(p, 'containers.conf');
    // runc: crun 1.8 refuses hybrid cgroup hosts such as these.
    const podman = `podman --root ${p}/root --runroot ${p}/runroot --tmpdir ${p}/tmp --cgroup-manager cgroupfs --events-backend none --runtime runc`;
    execFileSync('bash', ['-c', `${podman} load -q -i ${archive}`], { stdio: 'ignore', env });
    commands.push(['podman run --rm', `${podman} run --rm ${IMAGE} true`]);
  }

  if (have('dockerd')) {
    const d = join(work, 'docker');
    mkdirSync(d);
    const socket = join(d, 'docker.sock');
    dockerd = spawn(
      'dockerd',
      [
        '--data-root',
        join(d, 'data'),
        '--exec-root',
        join(d, 'exec'),
        '--pidfile',
        join(d, 'docker.pid'),
        '-H',
        `unix://${socket}`,
        '--iptables=false',
        '--ip-forward=false',
        '--ip-masq=false',
        '--bridge=none',
        '--storage-driver=overlay2',
      ],
      { stdio: 'ignore', env },
    );
    // Its own client config (no ~/.docker of the user's); not DOCKER_CONFIG, which podman reads too.
    const docker = `docker --config ${join(d, 'client')} -H unix://${socket}`;
    for (let i = 0; ; i++) {
      try {
        execFileSync('bash', ['-c', `${docker} version`], { stdio: 'ignore', env });
        break;
      } catch {
        if (i > 200 || dockerd.exitCode !== null) throw new Error('dockerd did not start');
        await sleep(100);
      }
    }
    execFileSync('bash', ['-c', `${docker} load -q -i ${archive}`], { stdio: 'ignore', env });
    commands.push(['docker run --rm', `${docker} run --rm --network none ${IMAGE} true`]);
  }

  const results = hyperfine(commands, { runs: values.runs, env, work });
  const mean = (name) => results.find((r) => r.command === name)?.mean;
  const ours = mean('gocontainer run');
  console.log(`\nbench/image/run (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}):`);
  for (const r of results)
    console.log(
      `  ${r.command.padEnd(18)} ${(r.mean * 1000).toFixed(1).padStart(7)} ms ± ${(r.stddev * 1000).toFixed(1)}`,
    );
  if (mean('podman run --rm'))
    console.log(`  gocontainer / podman: ${(ours / mean('podman run --rm')).toFixed(2)}x (target <= 0.5x)`);
  if (mean('docker run --rm')) console.log(`  gocontainer / docker: ${(ours / mean('docker run --rm')).toFixed(2)}x`);
} finally {
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((resolve) => dockerd.once('exit', resolve));
    process.kill(dockerd.pid, 'SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (dockerd.exitCode === null) process.kill(dockerd.pid, 'SIGKILL');
  }
  // What the engines left mounted under their state (podman's storage binds its overlay dir on itself).
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m) => m?.startsWith(work))
    .reverse();
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  rmSync(work, { recursive: true, force: true });
}
