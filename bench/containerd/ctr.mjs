// bench/containerd: `ctr run --rm` of busybox's /bin/true through containerd
// (its runc v2 shim), with `--runc-binary` gocontainer against runc, in one
// hyperfine run. Target (issue 10): gocontainer at most 2x runc.
//
//   node bench/containerd/ctr.mjs [--runs N] [--keep-env] [--before CHECKOUT]
//
// Also timed: "runc-node", runc behind a shell script that runs `node -e 0`
// before each of its commands: the floor of any runtime that starts a Node
// process per command the shim calls (it counts the calls, too).
//
// --before: also time another built checkout's gocontainer (CHECKOUT/apps/cli/bin/gocontainer.cjs) as "before".
//
// containerd is started as the e2e tests start it (apps/cli/e2e/support/
// containerd.ts: every path under one temp dir, CRI off, the same config),
// with the image built by scripts/test-images/build-images.sh (no registry),
// and everything is removed afterwards by apps/cli/e2e/bin/sweep.sh. The
// runtimes' --runc-root is on /dev/shm (tmpfs), as /run is on a usual machine. Needs
// root, containerd, ctr, umoci, skopeo and busybox-static (scripts/setup.sh).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'keep-env': { type: 'boolean', default: false },
    before: { type: 'string' },
  },
});
const e2eBin = fileURLToPath(new URL('../../apps/cli/e2e/bin/', import.meta.url));
const buildImages = fileURLToPath(new URL('../../scripts/test-images/build-images.sh', import.meta.url));
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
const IMAGE = 'localhost/gc-e2e-busybox:1';
const TARGET = 2;

for (const cmd of ['hyperfine', 'containerd', 'ctr', 'runc', 'umoci', 'skopeo']) {
  if (!have(cmd)) throw new Error(`bench/containerd needs ${cmd} (scripts/setup.sh installs it)`);
}
if (process.getuid?.() !== 0) throw new Error('bench/containerd needs root (containerd does)');

// Under /tmp, as sweep.sh requires; the cgroup of every container is under one named after it.
const dir = mkdtempSync('/tmp/gc-bench-ctr-');
const cgroup = basename(dir);
const address = join(dir, 'containerd.sock');
// The runtimes' --root on a tmpfs, as containerd's default (/run/containerd/runc) is on a usual machine.
const roots = mkdtempSync('/dev/shm/gc-bench-ctr-roots-');
const toml = (s) => JSON.stringify(s);
/** apps/cli/e2e/support/containerd.ts's config, without CRI. */
const config = [
  'version = 2',
  `root = ${toml(join(dir, 'root'))}`,
  `state = ${toml(join(dir, 'state'))}`,
  'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
  '[grpc]',
  `  address = ${toml(address)}`,
  '[ttrpc]',
  `  address = ${toml(`${address}.ttrpc`)}`,
  '[debug]',
  `  address = ${toml(join(dir, 'debug.sock'))}`,
  '  level = "info"',
  '[plugins."io.containerd.internal.v1.opt"]',
  `  path = ${toml(join(dir, 'opt'))}`,
].join('\n');

const refuse = 'http://127.0.0.1:9';
const offline = { HTTP_PROXY: refuse, HTTPS_PROXY: refuse, http_proxy: refuse, https_proxy: refuse, NO_PROXY: '' };
const ctr = (args, opts = {}) =>
  spawnSync('ctr', ['--address', address, '--namespace', 'default', ...args], { encoding: 'utf8', ...opts });

const { env, stripped } = benchEnv(values['keep-env']);
let daemon;
try {
  const images = join(dir, 'images');
  mkdirSync(images);
  execFileSync(buildImages, [images], { stdio: 'inherit' });
  writeFileSync(join(dir, 'config.toml'), `${config}\n`);
  const log = openSync(join(dir, 'containerd.log'), 'a');
  daemon = spawn('containerd', ['--config', join(dir, 'config.toml')], {
    detached: true,
    stdio: ['ignore', log, log],
    // The shim and the runtimes it runs get containerd's environment: without NODE_EXTRA_CA_CERTS too.
    env: { ...env, ...offline },
  });
  closeSync(log);
  const started = Date.now();
  while (ctr(['version']).status !== 0) {
    if (Date.now() - started > 20_000) {
      throw new Error(`containerd did not start: see ${join(dir, 'containerd.log')}`);
    }
    spawnSync('sleep', ['0.1']);
  }
  const imported = ctr(['images', 'import', join(images, 'busybox-oci.tar')]);
  if (imported.status !== 0) throw new Error(`ctr images import: ${imported.stderr}`);

  /** `ctr run --rm` with `runtime` as the shim's runc binary; a fresh id per run. */
  const run = (name, binary) => [
    `ctr run --rm, ${name}`,
    [
      `ctr --address ${address} run --rm`,
      `--runc-binary ${binary} --runc-root ${join(roots, name)}`,
      `--fifo-dir ${join(dir, 'fifo')} --cgroup /${cgroup}/${name}-$$-$RANDOM`,
      `${IMAGE} ${name}-$$-$RANDOM /bin/true`,
    ].join(' '),
  ];
  // The shim runs the binary with cwd = the bundle: an absolute path, executable (the bin is, with its #!).
  // runc-node: what a Node start per command costs on top of runc; each call's command is logged.
  const floor = join(dir, 'runc-node');
  const calls = join(dir, 'runc-node.calls');
  writeFileSync(
    floor,
    [
      '#!/bin/sh',
      `${process.execPath} -e 0`,
      'skip=0',
      'for a in "$@"; do',
      '  if [ $skip = 1 ]; then skip=0; continue; fi',
      '  case "$a" in',
      '    --root|--log|--log-format|--criu|--rootless) skip=1 ;;',
      '    -*) ;;',
      `    *) echo "$a" >>${calls}; break ;;`,
      '  esac',
      'done',
      'exec runc "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(floor, 0o755);
  const before = values.before ? join(values.before, 'apps/cli/bin/gocontainer.cjs') : undefined;
  const results = hyperfine(
    [
      run('gocontainer', gocontainer),
      ...(before ? [run('before', before)] : []),
      run('runc-node', floor),
      run('runc', 'runc'),
    ],
    {
      runs: values.runs,
      env,
      work: dir,
    },
  );
  const median = (name) => results.find((r) => r.command === `ctr run --rm, ${name}`).median;
  const ours = median('gocontainer');
  const runc = median('runc');
  console.log(
    `\nbench/containerd (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}; medians):`,
  );
  console.log(`  ctr run --rm, gocontainer ${(ours * 1000).toFixed(1).padStart(7)} ms`);
  if (before) {
    const theirs = median('before');
    console.log(
      `  ctr run --rm, before      ${(theirs * 1000).toFixed(1).padStart(7)} ms (${(theirs / runc).toFixed(2)}x runc)`,
    );
  }
  const floorTime = median('runc-node');
  console.log(`  ctr run --rm, runc        ${(runc * 1000).toFixed(1).padStart(7)} ms`);
  const perRun = countCalls(calls);
  console.log(
    `  ctr run --rm, runc-node   ${(floorTime * 1000).toFixed(1).padStart(7)} ms (${(floorTime / runc).toFixed(2)}x runc: runc with \`node -e 0\` before each of its ${perRun} commands per run)`,
  );
  const ratio = ours / runc;
  console.log(
    `  gocontainer / runc: ${ratio.toFixed(2)}x (target <= ${TARGET}x: ${ratio <= TARGET ? 'met' : 'not met'})`,
  );
} finally {
  if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
    const gone = new Promise((resolve) => {
      daemon.once('exit', resolve);
      setTimeout(resolve, 10_000).unref();
    });
    process.kill(daemon.pid, 'SIGTERM');
    await gone;
  }
  execFileSync(join(e2eBin, 'sweep.sh'), [dir, cgroup], { stdio: 'inherit' });
  rmSync(roots, { recursive: true, force: true });
}

/** The runtime commands one `ctr run --rm` made through runc-node ("create start delete ..."), from its log. */
function countCalls(file) {
  const names = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const perRun = names.filter((n) => n === 'create').length;
  const counts = {};
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return `${(names.length / Math.max(perRun, 1)).toFixed(1)} (${Object.entries(counts)
    .map(([n, c]) => `${n} x${(c / Math.max(perRun, 1)).toFixed(1)}`)
    .join(', ')})`;
}
