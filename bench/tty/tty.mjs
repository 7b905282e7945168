// bench/tty: what a terminal costs `gocontainer run --rootfs <busybox> /bin/true`,
// in one hyperfine run. Every command runs under `script` (a pty as its
// terminal), so that they pay the same wrapper:
//
//   run            stdio redirected away from the terminal: handed over as they are
//   run (pipes)    stdout and stderr on the terminal: relayed through pipes
//   run -t         a pty made in the container, its master received and relayed
//   run -it        the same, and the terminal in raw mode with stdin relayed
//
//   node bench/tty/tty.mjs [--runs N] [--pairs N] [--keep-env]
//
// Then, since hyperfine runs each command's runs together and a shared
// machine's load drifts meanwhile, the four again in rounds (alternating
// order), each round's time minus that round's `run`: the median of those
// differences is what the terminal costs.
//
// NODE_EXTRA_CA_CERTS is removed from the environment unless --keep-env (see bench/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    pairs: { type: 'string', default: '40' },
    'keep-env': { type: 'boolean', default: false },
  },
});
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));

for (const tool of ['hyperfine', 'script']) if (!have(tool)) throw new Error(`bench/tty needs ${tool}`);
const root = createBusyboxRoot();
const work = mkdtempSync(join(tmpdir(), 'gc-bench-tty-'));
try {
  const run = `${process.execPath} ${gocontainer} run`;
  const lines = [
    ['run', `${run} --rootfs ${root.path} /bin/true </dev/null >/dev/null 2>&1`],
    ['run (pipes)', `${run} --rootfs ${root.path} /bin/true </dev/null`],
    ['run -t', `${run} -t --rootfs ${root.path} /bin/true`],
    ['run -it', `${run} -it --rootfs ${root.path} /bin/true`],
  ];
  const commands = lines.map(([name, line]) => [name, `script -qec '${line}' /dev/null`]);
  const { env, stripped } = benchEnv(values['keep-env']);
  const results = hyperfine(commands, { runs: values.runs, env, work });
  console.log(`\nbench/tty (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}):`);
  // Medians, and the CPU time (user + system): on a busy machine both vary less than the mean wall time.
  const cpu = (r) => r.user + r.system;
  const base = results.find((r) => r.command === 'run');
  const ms = (s) => (s * 1000).toFixed(1);
  const plus = (s) => `(${s >= 0 ? '+' : ''}${ms(s)})`;
  console.log(`  ${''.padEnd(12)} ${'median wall'.padStart(11)}           ${'mean cpu'.padStart(8)}`);
  for (const r of results) {
    const wall = r === base ? '' : plus(r.median - base.median);
    const used = r === base ? '' : plus(cpu(r) - cpu(base));
    console.log(
      `  ${r.command.padEnd(12)} ${ms(r.median).padStart(8)} ms ${wall.padEnd(9)} ${ms(cpu(r)).padStart(8)} ms ${used}`,
    );
  }

  const rounds = Number(values.pairs);
  const took = new Map(lines.map(([name]) => [name, []]));
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...lines].reverse() : lines;
    for (const [name, line] of order) {
      const start = process.hrtime.bigint();
      spawnSync('script', ['-qec', line, '/dev/null'], { stdio: 'ignore', env });
      took.get(name).push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  if (rounds > 0) {
    const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
    const base = took.get('run');
    console.log(`  in ${rounds} rounds, median of (each - run of the same round):`);
    for (const [name, times] of took) {
      if (name === 'run') continue;
      const d = median(times.map((t, i) => t - base[i]));
      console.log(`  ${name.padEnd(12)} ${d >= 0 ? '+' : ''}${d.toFixed(1)} ms`);
    }
  }
  console.log('  target: the relay adds at most 3 ms (run -t and run -it against run)');
} finally {
  rmSync(work, { recursive: true, force: true });
  root.remove();
}
