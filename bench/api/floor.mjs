// bench/api/floor.mjs: the kernel's own cost of bench/api's containers, as
// containers per second of a C loop doing only what the kernel must for each
// (floor.c: cgroups, the clone with the five namespaces, the mounts and
// pivot_root, an exec of /bin/true, the reap), 1, 10 and 50 at a time, against
// `runc run` in a sequential loop, as bench/api compares. No runtime written
// in any language can start and reap these containers faster than the "full"
// line on this machine: it bounds what bench/api's target (15x runc) can be.
//
//   node bench/api/floor.mjs [--count N] [--runc-count N] [--concurrency 1,10,50]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { have, makeBundle, timeRuntime } from '../lib/runtimes.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    'runc-count': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1,10,50' },
  },
});
if (process.getuid?.() !== 0) throw new Error('bench/api/floor needs root (namespaces, cgroups)');
const work = mkdtempSync(join(tmpdir(), 'gc-bench-floor-'));
const root = createBusyboxRoot();
try {
  const floor = join(work, 'floor');
  execFileSync('cc', ['-O2', '-o', floor, fileURLToPath(new URL('./floor.c', import.meta.url))]);
  const runc = have('runc') ? runcRate() : undefined;
  console.log(`\nbench/api/floor (${values.count} containers per line, /bin/true):`);
  if (runc !== undefined) console.log(`  runc run, sequential: ${runc.toFixed(1)} containers/s`);
  for (const mode of ['ns', 'cg', 'full']) {
    for (const c of values.concurrency.split(',')) {
      const out = execFileSync(floor, [root.path, values.count, c, mode], { encoding: 'utf8' }).trim();
      const perSecond = Number(out.split(' ')[3]);
      const ratio = runc === undefined ? '' : `  ${(perSecond / runc).toFixed(1)}x runc`;
      console.log(
        `  ${mode.padEnd(4)} ${c.padStart(2)} at a time: ${perSecond.toFixed(1).padStart(7)} containers/s${ratio}`,
      );
    }
  }
  console.log('  (ns: the clone and reap only; cg: + the cgroups; full: + the mounts, pivot_root and the exec)');
} finally {
  rmSync(work, { recursive: true, force: true });
  root.remove();
}

function runcRate() {
  const bundle = makeBundle(root.path, ['/bin/true']);
  try {
    const s = timeRuntime('runc', bundle.path, Number(values['runc-count']), '/dev/shm');
    return typeof s === 'number' ? 1 / s : undefined;
  } finally {
    bundle.remove();
  }
}
