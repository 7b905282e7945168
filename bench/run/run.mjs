// bench/run: wall time of `gocontainer run --rootfs <busybox> /bin/true`
// against `node -e 0` and `runc run` of the same root, in one hyperfine run.
//
//   node bench/run/run.mjs [--runs N] [--keep-env]
//
// Every Node process started with NODE_EXTRA_CA_CERTS set parses that
// certificate file before running any JavaScript (~85 ms for Debian's bundle
// on the development machines), which a fresh machine does not do. It would
// make `node -e 0` three times slower and hide our own cost, so it is removed
// from the environment of all three commands unless --keep-env is given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { benchEnv, hyperfine } from '../lib/hyperfine.mjs';
import { have, makeBundle } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, 'keep-env': { type: 'boolean', default: false } },
});
const gocontainer = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));

if (!have('hyperfine')) throw new Error('bench/run needs hyperfine: apt-get install hyperfine');
const root = createBusyboxRoot();
const bundle = makeBundle(root.path, ['/bin/true']);
const work = mkdtempSync(join(tmpdir(), 'gc-bench-run-'));
try {
  const commands = [
    ['node -e 0', `${process.execPath} -e 0`],
    // Start-up alone (bundle, no koffi, no container): splits our cost in two.
    ['gocontainer --version', `${process.execPath} ${gocontainer} --version`],
    ['gocontainer run', `${process.execPath} ${gocontainer} run --rootfs ${root.path} /bin/true`],
  ];
  if (have('runc')) {
    commands.push(['runc run', `runc --root ${work}/runc run --bundle ${bundle.path} gc-bench-$$-$RANDOM`]);
  }
  const { env, stripped } = benchEnv(values['keep-env']);
  const results = hyperfine(commands, { runs: values.runs, env, work });
  const mean = (name) => results.find((r) => r.command === name).mean;
  const ours = mean('gocontainer run');
  console.log(`\nbench/run (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}):`);
  for (const r of results)
    console.log(
      `  ${r.command.padEnd(22)} ${(r.mean * 1000).toFixed(1).padStart(7)} ms ± ${(r.stddev * 1000).toFixed(1)}`,
    );
  console.log(`  gocontainer run / node -e 0: ${(ours / mean('node -e 0')).toFixed(2)}x (target <= 1.8x, issue 12)`);
  if (results.some((r) => r.command === 'runc run')) {
    console.log(`  runc run / gocontainer run: ${(mean('runc run') / ours).toFixed(2)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  bundle.remove();
  root.remove();
}
