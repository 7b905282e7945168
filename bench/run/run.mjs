// bench/run: wall time of `gocontainer run --rootfs <busybox> /bin/true`
// against `node -e 0` and `runc run` of the same root, in one hyperfine run.
//
//   node bench/run/run.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { have, makeBundle } from '../lib/runtimes.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));

if (!have('hyperfine')) throw new Error('bench/run needs hyperfine: apt-get install hyperfine');
const root = createBusyboxRoot();
const bundle = makeBundle(root.path, ['/bin/true']);
const work = mkdtempSync(join(tmpdir(), 'gc-bench-run-'));
try {
  const commands = [
    ['node -e 0', `${process.execPath} -e 0`],
    ['gocontainer run', `${process.execPath} ${gocontainer} run --rootfs ${root.path} /bin/true`],
  ];
  if (have('runc')) {
    commands.push(['runc run', `runc --root ${work}/runc run --bundle ${bundle.path} gc-bench-$$-$RANDOM`]);
  }
  const json = join(work, 'hyperfine.json');
  execFileSync(
    'hyperfine',
    [
      '--shell=bash',
      '--warmup',
      '3',
      '--runs',
      values.runs,
      '--export-json',
      json,
      ...commands.flatMap(([name, cmd]) => ['-n', name, cmd]),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const results = JSON.parse(readFileSync(json, 'utf8')).results;
  const mean = (name) => results.find((r) => r.command === name).mean;
  const ours = mean('gocontainer run');
  console.log('\nbench/run:');
  for (const r of results)
    console.log(
      `  ${r.command.padEnd(18)} ${(r.mean * 1000).toFixed(1).padStart(7)} ms ± ${(r.stddev * 1000).toFixed(1)}`,
    );
  console.log(`  gocontainer run / node -e 0: ${(ours / mean('node -e 0')).toFixed(2)}x (target <= 1.2x)`);
  if (results.some((r) => r.command === 'runc run')) {
    console.log(`  runc run / gocontainer run: ${(mean('runc run') / ours).toFixed(2)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  bundle.remove();
  root.remove();
}
