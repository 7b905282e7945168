// bench/seccomp/cold: planSeccomp of Docker's default profile in a fresh Node
// process (as each `gocontainer run` is: the compiler's JavaScript is cold),
// without a filter cache and with a warm file cache (createFileFilterCache),
// alternated over --count fresh processes each.
//
//   node bench/seccomp/cold.mjs [--count N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { count: { type: 'string', default: '15' } } });
const count = Number(values.count);
const dir = mkdtempSync(join(tmpdir(), 'gc-bench-seccomp-'));

// One fresh process: import, then time planSeccomp alone.
const child = `
import { DOCKER_DEFAULT_CAPABILITIES } from '@gc/capabilities';
import { createFileFilterCache, defaultProfile, planSeccomp } from '@gc/seccomp';
import { Program } from '@gc/syscall';
const cache = process.argv[1] === 'none' ? undefined : createFileFilterCache(process.argv[1], { salt: 'bench' });
const profile = defaultProfile();
const t = performance.now();
const plan = planSeccomp(new Program(), profile, {
  noNewPrivs: true,
  capabilities: [...DOCKER_DEFAULT_CAPABILITIES],
  ...(cache ? { cache } : {}),
});
process.stdout.write(JSON.stringify({ ms: performance.now() - t, fromCache: plan.fromCache }));
`;
const once = (arg) =>
  JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', child, arg], {
      cwd: new URL('.', import.meta.url),
      encoding: 'utf8',
    }),
  );
try {
  once(dir); // fills the cache
  const times = { none: [], cache: [] };
  for (let i = 0; i < count; i++) {
    times.none.push(once('none').ms);
    const hit = once(dir);
    if (!hit.fromCache) throw new Error('the warm cache missed');
    times.cache.push(hit.ms);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`planSeccomp, Docker's default profile, fresh process each (${count} each):`);
  console.log(`  compiled:          ${median(times.none).toFixed(2)} ms median`);
  console.log(`  from a file cache: ${median(times.cache).toFixed(2)} ms median`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
