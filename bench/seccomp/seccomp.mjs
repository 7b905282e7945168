// bench/seccomp: what Docker's seccomp profile costs gocontainer.
// - compile: mean time to compile Docker's default profile to BPF (x86_64 with
//   x86 and x32, Docker's default capabilities) and the filter's size;
// - start: spawns of /bin/true (host binary, no namespaces) with and without
//   the filter load (no_new_privs + seccomp), alternated, mean ms each.
//
//   node bench/seccomp/seccomp.mjs [--compiles N] [--count M]
import { parseArgs } from 'node:util';
import { DOCKER_DEFAULT_CAPABILITIES } from '@gc/capabilities';
import { compileSeccomp, defaultProfile, planSeccomp } from '@gc/seccomp';
import { createKernel, Program } from '@gc/syscall';

const { values } = parseArgs({
  options: { compiles: { type: 'string', default: '200' }, count: { type: 'string', default: '300' } },
});
const compiles = Number(values.compiles);
const count = Number(values.count);

// Docker's default bounding set: the capabilities its profile's includes/excludes see.
const DOCKER_CAPS = [...DOCKER_DEFAULT_CAPABILITIES];

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Compile
const profile = defaultProfile();
let filter = compileSeccomp(profile, { capabilities: DOCKER_CAPS });
for (let i = 0; i < 20; i++) compileSeccomp(profile, { capabilities: DOCKER_CAPS }); // warm up the JIT
const compileTimes = [];
for (let i = 0; i < compiles; i++) {
  const start = process.hrtime.bigint();
  filter = compileSeccomp(profile, { capabilities: DOCKER_CAPS });
  compileTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
}
compileSeccomp(defaultProfile(), { capabilities: DOCKER_CAPS, arch: 'arm64' });
const arm64 = compileSeccomp(defaultProfile(), { capabilities: DOCKER_CAPS, arch: 'arm64' });

console.log(`Docker's default profile (${filter.profile.arches.join(' + ')}, Docker's default capabilities):`);
console.log(
  `  filter: ${filter.instructions.length} instructions (${filter.bytes.length} bytes; arm64 host: ${arm64.instructions.length})`,
);
console.log(
  `  compile: mean ${mean(compileTimes).toFixed(3)} ms, median ${median(compileTimes).toFixed(3)} ms over ${compiles} runs`,
);

// Start cost
const kernel = createKernel();
function plan(withFilter) {
  const program = new Program();
  if (withFilter) planSeccomp(program, profile, { noNewPrivs: true, capabilities: DOCKER_CAPS });
  program.execvp('/bin/true', ['/bin/true'], [], 'exec /bin/true');
  program.setFds([]);
  return program;
}
async function spawnOnce(withFilter) {
  const program = plan(withFilter);
  const start = process.hrtime.bigint();
  const status = await kernel.spawn(program).exited;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (status.code !== 0) throw new Error(`spawn: ${JSON.stringify(status)}`);
  return ms;
}
async function planAndSpawnOnce() {
  const start = process.hrtime.bigint();
  const status = await kernel.spawn(plan(true)).exited;
  if (status.code !== 0) throw new Error(`spawn: ${JSON.stringify(status)}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (let i = 0; i < 20; i++) {
  await spawnOnce(false);
  await spawnOnce(true);
}
const without = [];
const withF = [];
const endToEnd = [];
for (let i = 0; i < count; i++) {
  without.push(await spawnOnce(false));
  withF.push(await spawnOnce(true));
  endToEnd.push(await planAndSpawnOnce());
}
console.log(`Container start, spawn of /bin/true to its exit, ${count} each (alternated):`);
console.log(`  without filter: mean ${mean(without).toFixed(3)} ms, median ${median(without).toFixed(3)} ms`);
console.log(`  with filter:    mean ${mean(withF).toFixed(3)} ms, median ${median(withF).toFixed(3)} ms`);
console.log(
  `  difference:     mean ${(mean(withF) - mean(without)).toFixed(3)} ms, median ${(median(withF) - median(without)).toFixed(3)} ms (load + filtered syscalls of exec)`,
);
console.log(`  with filter, compile + plan included: mean ${mean(endToEnd).toFixed(3)} ms`);
