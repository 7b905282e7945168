// bench/image/unpack: throughput of unpackLayer (@gc/image) against
// `tar -xf` of the same layer, of the gzip'd layer against `tar -xzf`, and of
// the zstd'd layer against `tar --zstd -xf` (which runs `zstd -d` into tar,
// as unpackLayer does where the binary is installed), in one run. The layer
// is a tar of host files (a mix from /usr, about --mb MB uncompressed); each round runs every command once, in turn, into a
// fresh directory (made, and the page cache's dirty pages synced, untimed).
// tar's time is its process's wall time (its start is a millisecond);
// unpackLayer's is the call's, from the layer's path to the result, as a
// store running in a Node process pays it (the hashing thread's start is in
// it). `unpackLayer` hashes the tar (its diff ID) as tar does not;
// `unpackLayer, verified` is the store's unpack of an uncompressed layer,
// whose blob was verified against its digest when it was written, so that
// the tar is not hashed a second time (`verifiedDigest`). Node's start and
// the import of @gc/image (a fixed cost, the same for any layer) are shown
// on their own line, as the process's wall time less the call's. Each
// command's user+system CPU time (the process's, Node's start included) is
// shown too: on a shared machine it varies less than the wall time.
//
//   node bench/image/unpack.mjs [--mb 100] [--rounds 5] [--dir DIR] [--keep-env]
//
// Run with `--one LAYER DIR COMPRESSION [DIGEST]` it is the unpacking process itself.
//
// --dir: where layers are unpacked (default /dev/shm: on this project's shared
// machines a disk's writeback makes single runs vary tenfold; tmpfs leaves
// the CPU cost of each, which is what differs). The figure is the median of
// the rounds.
// NODE_EXTRA_CA_CERTS is removed from every command's environment unless
// --keep-env is given (see bench/run/run.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchEnv } from '../lib/hyperfine.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mb: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    dir: { type: 'string' },
    'keep-env': { type: 'boolean', default: false },
    one: { type: 'boolean', default: false },
  },
});
const image = new URL('../../packages/image/dist/index.js', import.meta.url);

if (values.one) {
  const [layer, dir, compression, verifiedDigest] = positionals;
  const { unpackLayer } = await import(image);
  const { createKernel } = await import(new URL('../../packages/syscall/dist/index.js', import.meta.url));
  const kernel = createKernel();
  const start = process.hrtime.bigint();
  const { size } = await unpackLayer(kernel, layer, compression, dir, verifiedDigest ? { verifiedDigest } : {});
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ size, seconds })}\n`);
} else {
  await bench();
}

async function bench() {
  const self = fileURLToPath(import.meta.url);
  const { env, stripped } = benchEnv(values['keep-env']);
  const work = mkdtempSync(join(values.dir ?? '/dev/shm', 'gc-bench-unpack-'));
  try {
    const layer = join(work, 'layer.tar');
    const gz = `${layer}.gz`;
    const zst = `${layer}.zst`;
    const files = hostFiles(Number(values.mb) * 1e6);
    writeFileSync(join(work, 'files'), `${files.join('\n')}\n`);
    execFileSync('tar', ['-cf', layer, '-C', '/', '--no-recursion', '-T', join(work, 'files')]);
    execFileSync('sh', ['-c', `gzip -6 -c ${layer} > ${gz}`]);
    execFileSync('zstd', ['-q', '-3', '-o', zst, layer]);
    const size = lstatSync(layer).size;
    const digest = `sha256:${createHash('sha256').update(readFileSync(layer)).digest('hex')}`;
    const out = join(work, 'out');
    const node = process.execPath;
    const commands = [
      ['tar -xf', 'tar', ['-xf', layer, '-C', out]],
      ['unpackLayer', node, [self, '--one', layer, out, 'none']],
      ['unpackLayer, verified', node, [self, '--one', layer, out, 'none', digest]],
      ['tar -xzf', 'tar', ['-xzf', gz, '-C', out]],
      ['unpackLayer gzip', node, [self, '--one', gz, out, 'gzip']],
      ['tar --zstd -xf', 'tar', ['--zstd', '-xf', zst, '-C', out]],
      ['unpackLayer zstd', node, [self, '--one', zst, out, 'zstd']],
    ];
    const times = new Map(commands.map(([name]) => [name, []]));
    const cpu = new Map(commands.map(([name]) => [name, []]));
    // GNU time's user+system seconds of the command (its children's too), where it is installed.
    const timeFile = join(work, 'cpu');
    const gnuTime = existsSync('/usr/bin/time');
    /** Per unpackLayer command: the process's wall time less the call's (node's start, imports). */
    const fixed = [];
    const rounds = Number(values.rounds);
    for (let round = 0; round < rounds; round++) {
      for (const [name, file, args] of commands) {
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        execFileSync('sync');
        const start = process.hrtime.bigint();
        const r = gnuTime
          ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, file, ...args], {
              env,
              stdio: ['ignore', 'pipe', 'inherit'],
            })
          : spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (r.status !== 0) throw new Error(`${name} failed (exit status ${r.status})`);
        if (gnuTime) {
          const [user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
          cpu.get(name).push(user + system);
        }
        if (file === node) {
          const call = JSON.parse(r.stdout.toString());
          if (call.size !== size) throw new Error(`${name}: size ${call.size}, expected ${size}`);
          times.get(name).push(call.seconds);
          fixed.push(seconds - call.seconds);
        } else {
          times.get(name).push(seconds);
        }
      }
    }
    rmSync(out, { recursive: true, force: true });
    const mb = size / 1e6;
    const mid = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    const median = (name) => mid(times.get(name));
    const env_ = stripped ? ', NODE_EXTRA_CA_CERTS removed' : '';
    console.log(
      `bench/image/unpack (node ${process.version}${env_}): a ${mb.toFixed(1)} MB layer of ${files.length} host entries, ${(lstatSync(gz).size / 1e6) | 0} MB gzip'd, ${(lstatSync(zst).size / 1e6) | 0} MB zstd'd, ${rounds} rounds, median:`,
    );
    for (const [name] of commands) {
      const t = median(name);
      const all = times
        .get(name)
        .map((s) => (s * 1000).toFixed(0))
        .join(' ');
      const used = gnuTime ? `, CPU ${(mid(cpu.get(name)) * 1000).toFixed(0)} ms` : '';
      console.log(
        `  ${name.padEnd(21)} ${(t * 1000).toFixed(0).padStart(6)} ms  ${(mb / t).toFixed(0).padStart(5)} MB/s  (${all} ms${used})`,
      );
    }
    const startup = [...fixed].sort((a, b) => a - b)[Math.floor(fixed.length / 2)];
    console.log(
      `  (node's start and the import of @gc/image, outside the figures above: ${(startup * 1000).toFixed(0)} ms)`,
    );
    console.log(
      `  unpackLayer / tar -xf throughput:        ${(median('tar -xf') / median('unpackLayer')).toFixed(2)}x (target >= 0.7x)`,
    );
    console.log(
      `  unpackLayer, verified / tar -xf:         ${(median('tar -xf') / median('unpackLayer, verified')).toFixed(2)}x (the store's unpack of a plain layer)`,
    );
    console.log(
      `  unpackLayer gzip / tar -xzf throughput:  ${(median('tar -xzf') / median('unpackLayer gzip')).toFixed(2)}x (target >= 0.7x)`,
    );
    console.log(
      `  unpackLayer zstd / tar --zstd -xf:       ${(median('tar --zstd -xf') / median('unpackLayer zstd')).toFixed(2)}x (target >= 0.7x)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Paths (relative to /) of regular files, symlinks and directories under /usr, in walk order, until `bytes`. */
function hostFiles(bytes) {
  const picked = [];
  let total = 0;
  let budget = 0;
  const walk = (dir) => {
    let names;
    try {
      names = readdirSync(`/${dir}`).sort();
    } catch {
      return;
    }
    picked.push(dir);
    for (const name of names) {
      if (total >= budget) return;
      const path = `${dir}/${name}`;
      const st = lstatSync(`/${path}`);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() || st.isSymbolicLink()) {
        picked.push(path);
        total += st.isFile() ? 512 + Math.ceil(st.size / 512) * 512 : 512;
      }
    }
  };
  // A mix: executables, libraries, and many small files (docs, locales, headers).
  const shares = [
    ['usr/bin', 0.25],
    ['usr/lib', 0.35],
    ['usr/share', 0.3],
    ['usr/include', 0.1],
  ];
  for (const [dir, share] of shares) {
    budget += share * bytes;
    walk(dir);
  }
  return [...new Set(picked)];
}
