// bench/lifecycle: the OCI lifecycle commands of gocontainer against runc
// (and crun when it runs here), in one hyperfine run:
//   - `create + start + delete` of a busybox bundle running /bin/true (youki's benchmark);
//   - each command alone: create, start, state, kill, delete (the containers
//     they need are made in hyperfine's --prepare, removed in --cleanup);
//   - `node -e 0`, the floor of any Node command;
// then the RSS of a created container's waiting init (VmRSS).
//
//   node bench/lifecycle/lifecycle.mjs [--runs N] [--rounds R] [--keep-env] [--no-crun] [--state-parent DIR] [--before CHECKOUT]
//
// --before: also time another built checkout's gocontainer (CHECKOUT/apps/cli/bin/gocontainer.cjs),
// as "before", in the same run.
//
// Each runtime's --root is made in --state-parent, default /dev/shm: a
// tmpfs, as /run (where they keep their state by default) is on a usual
// machine; gocontainer syncs every state write (a few ms each on a disk).
//
// NODE_EXTRA_CA_CERTS is removed from every command's environment unless
// --keep-env is given (see bench/run/run.mjs).
//
// crun 1.8 refuses this project's hybrid-cgroup machines; it is run inside a
// private mount namespace where cgroup2's cgroup.controllers reads empty
// (/work/shared/recipes/engines' workaround), through `nsenter`, which adds
// ~1-2 ms to each of its commands. It is skipped, with crun's words, when it
// still fails.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have, makeBundle } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '3' },
    'keep-env': { type: 'boolean', default: false },
    'no-crun': { type: 'boolean', default: false },
    'state-parent': { type: 'string', default: '/dev/shm' },
    before: { type: 'string' },
  },
});
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
const COMMANDS = ['create', 'start', 'state', 'kill', 'delete'];
const TARGETS = { create: 2.2, start: 1.3, state: 1.3, kill: 1.3, delete: 1.3 };

if (!have('hyperfine')) throw new Error('bench/lifecycle needs hyperfine: apt-get install hyperfine');
if (!have('runc')) throw new Error('bench/lifecycle needs runc (the baseline): apt-get install runc');
const { env, stripped } = benchEnv(values['keep-env']);
const root = createBusyboxRoot();
const bundle = makeBundle(root.path, ['/bin/true']);
const work = mkdtempSync(join(values['state-parent'], 'gc-bench-lifecycle-'));
let holder;
/** Each runtime: its name and the command line that runs it with its own --root. */
const runtimes = [];
try {
  runtimes.push(
    { name: 'gocontainer', cli: `${process.execPath} ${gocontainer} --root ${work}/gocontainer` },
    { name: 'runc', cli: `runc --root ${work}/runc` },
  );
  if (values.before) {
    const bin = join(values.before, 'apps/cli/bin/gocontainer.cjs');
    runtimes.splice(1, 0, { name: 'before', cli: `${process.execPath} ${bin} --root ${work}/before` });
  }
  if (!values['no-crun'] && have('crun')) {
    const crun = crunInNamespace();
    if (crun.cli) runtimes.push({ name: 'crun', cli: crun.cli });
    else console.log(`crun skipped: ${crun.why}`);
  }

  const b = bundle.path;
  const commands = [['node -e 0', `${process.execPath} -e 0`]];
  for (const { name, cli } of runtimes) {
    // Ids (and so default cgroup paths) of its own per runtime: a cgroup in use is refused at create.
    const id = (what) => containerId(name, what);
    const rm = (what) => `${cli} delete --force ${id(what)} >/dev/null 2>&1 || true`;
    const cycle = id('cycle');
    // In a shell (the others are run without one): its start is in every runtime's figure alike.
    commands.push([
      `${name} create+start+delete`,
      `bash -c '${cli} create --bundle ${b} ${cycle} && ${cli} start ${cycle} && ${cli} delete --force ${cycle}'`,
    ]);
    // --prepare runs before every run (the warmup ones too); what is left goes at the end.
    const alone = {
      create: { prepare: rm('create'), run: `${cli} create --bundle ${b} ${id('create')}` },
      start: {
        prepare: `${rm('start')}; ${cli} create --bundle ${b} ${id('start')}`,
        run: `${cli} start ${id('start')}`,
      },
      // hyperfine discards the output.
      state: { prepare: 'true', run: `${cli} state ${id('state')}` },
      kill: {
        prepare: `${rm('kill')}; ${cli} create --bundle ${b} ${id('kill')}`,
        run: `${cli} kill ${id('kill')} KILL`,
      },
      delete: {
        prepare: `${rm('delete')}; ${cli} create --bundle ${b} ${id('delete')}`,
        run: `${cli} delete ${id('delete')}`,
      },
    };
    // `state` reads one created container, made once.
    execFileSync('bash', ['-c', `${cli} create --bundle ${b} ${id('state')}`], { env, stdio: 'inherit' });
    for (const c of COMMANDS) {
      // gocontainer's against `node -e 0` timed just before it, after the same
      // --prepare: a create's after-effects (the kernel tearing down the last
      // container's namespaces) weigh on both alike.
      if (name === 'gocontainer') {
        commands.push([`node -e 0 before gocontainer ${c}`, `${process.execPath} -e 0`, { prepare: alone[c].prepare }]);
      }
      commands.push([`${name} ${c}`, alone[c].run, { prepare: alone[c].prepare }]);
    }
  }
  // Several rounds, each timing every command: on a shared machine the load
  // drifts within a round, so each figure is the median of the rounds' medians.
  const rounds = [];
  const unshelled = commands.map(([name, cmd, opts]) => [
    name,
    cmd,
    ...(opts ? [{ prepare: opts.prepare === 'true' ? 'true' : `bash -c '${opts.prepare}'` }] : []),
  ]);
  for (let i = 0; i < Number(values.rounds); i++) {
    rounds.push(hyperfine(unshelled, { runs: values.runs, env, work, shell: false }));
  }
  const rss = Object.fromEntries(
    runtimes.filter((r) => r.name !== 'crun').map((r) => [r.name, createdRss(r.cli, containerId(r.name, 'state'))]),
  );

  const middle = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  };
  const median = (name) => middle(rounds.map((results) => results.find((r) => r.command === name).median));
  const ms = (s) => `${(s * 1000).toFixed(1).padStart(7)} ms`;
  const node = median('node -e 0');
  console.log(
    `\nbench/lifecycle (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}; state in ${values['state-parent']}; medians of ${values.rounds} rounds of ${values.runs} runs):`,
  );
  console.log(`  ${'node -e 0'.padEnd(32)} ${ms(node)}`);
  for (const c of COMMANDS) {
    console.log(
      `  ${`node -e 0 before gocontainer ${c}`.padEnd(32)} ${ms(median(`node -e 0 before gocontainer ${c}`))}`,
    );
  }
  console.log('  (gc/node and before/node: against the node -e 0 timed before the command, after the same --prepare)');
  const before = runtimes.some((r) => r.name === 'before');
  const header = [
    '',
    ...runtimes.map((r) => r.name.padStart(10)),
    '  gc/node',
    'target',
    '  gc/runc',
    ...(before ? ['before/node'] : []),
  ];
  console.log(`  ${'command'.padEnd(22)}${header.join(' ')}`);
  for (const c of ['create+start+delete', ...COMMANDS]) {
    const ours = median(`gocontainer ${c}`);
    const cells = runtimes.map((r) => ms(median(`${r.name} ${c}`)).padStart(10));
    const paired = c === 'create+start+delete' ? node : median(`node -e 0 before gocontainer ${c}`);
    const ratio = ours / paired;
    const target = TARGETS[c];
    const verdict = target === undefined ? '      ' : `${ratio <= target ? '<=' : '> '}${target.toFixed(1)}x`;
    console.log(
      `  ${c.padEnd(22)} ${cells.join(' ')} ${`${ratio.toFixed(2)}x`.padStart(8)} ${verdict} ${`${(ours / median(`runc ${c}`)).toFixed(2)}x`.padStart(8)}${before ? `${(median(`before ${c}`) / paired).toFixed(2).padStart(11)}x` : ''}`,
    );
  }
  console.log('  RSS of a created container (VmRSS of its waiting init; target <= 5 MB for gocontainer):');
  for (const [name, kb] of Object.entries(rss)) console.log(`    ${name.padEnd(12)} ${(kb / 1024).toFixed(2)} MB`);
} finally {
  for (const { name, cli } of runtimes) {
    for (const what of ['cycle', ...COMMANDS]) {
      spawnSync('bash', ['-c', `${cli} delete --force ${containerId(name, what)}`], { env, stdio: 'ignore' });
    }
  }
  if (holder) holder.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  bundle.remove();
  root.remove();
}

function containerId(runtime, what) {
  return `bench-${runtime}-${what}-${process.pid}`;
}

/** VmRSS (kB) of the init of a created container, by its `state` pid. */
function createdRss(cli, id) {
  const state = JSON.parse(execFileSync('bash', ['-c', `${cli} state ${id}`], { env, encoding: 'utf8' }));
  const status = readFileSync(`/proc/${state.pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${state.pid}/status`);
  return Number(kb[1]);
}

/**
 * crun run in a private mount namespace (held by a sleeping process) where
 * /sys/fs/cgroup/unified/cgroup.controllers is an empty file; the returned
 * command line enters it. `why` says what failed.
 */
function crunInNamespace() {
  const empty = join(work, 'empty-controllers');
  writeFileSync(empty, '');
  const controllers = '/sys/fs/cgroup/unified/cgroup.controllers';
  holder = spawn(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount --bind ${empty} ${controllers} 2>/dev/null; exec sleep 1000000`,
    ],
    { stdio: 'ignore' },
  );
  // Until the bind mount is in place (or there is nothing to hide).
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('nsenter', ['-t', String(holder.pid), '-m', 'cat', controllers], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout === '') break;
    spawnSync('sleep', ['0.02']);
  }
  const wrapper = join(work, 'crun-in-namespace');
  writeFileSync(wrapper, `#!/bin/sh\nexec nsenter -t ${holder.pid} -m -- crun "$@"\n`);
  chmodSync(wrapper, 0o755);
  const cli = `${wrapper} --root ${work}/crun`;
  const probe = spawnSync(
    'bash',
    [
      '-c',
      `${cli} run --bundle ${bundle.path} bench-probe-${process.pid}; s=$?; ${cli} delete --force bench-probe-${process.pid} 2>/dev/null; exit $s`,
    ],
    { env, encoding: 'utf8' },
  );
  if (probe.status !== 0) return { why: (probe.stderr || `exit ${probe.status}`).trim() };
  return { cli };
}
