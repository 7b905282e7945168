// bench/image/pull: pullImage (@gc/image) against `skopeo copy` from the same
// local registry, in one run. The image is the busybox test image plus
// --layers layers of random-ish data (half random bytes, half zeros, so gzip
// halves them as it does real layers), about --mb MB compressed in all,
// pushed with skopeo to Debian's docker-registry on 127.0.0.1 (untimed).
// Each round runs, in turn, into a fresh directory:
//   pullImage            a Node process: createImageStore + pullImage, unpack: false
//   pullImage + unpack   the same, unpacking the layers as `docker pull` does
//   gocontainer pull     the CLI (apps/cli, built), --data-root DIR: downloads and unpacks
//   skopeo oci:          skopeo copy docker://... oci:DIR
//   skopeo dir:          skopeo copy docker://... dir:DIR
//   podman pull          podman with --root/--runroot in DIR, overlay driver: downloads and unpacks
//                        (left out where podman is not installed)
// Every figure is the process's wall time (Node's start and imports included,
// as skopeo's start is); for pullImage the call's own time (createImageStore
// to the record, the load of Node's fetch included) is shown beside it, and
// Node's start with the import of @gc/image/registry on its own line. The median of
// the rounds is shown.
//
//   node bench/image/pull.mjs [--mb 40] [--layers 3] [--rounds 5] [--dir DIR] [--keep-env]
//
// --dir: where stores and copies are written (default /dev/shm: a disk's
// writeback on shared machines makes single runs vary; tmpfs leaves what
// differs, the network and CPU work). Needs root (unpacking), skopeo, umoci,
// docker-registry; podman optional.
//
// Run with `--one REFERENCE ROOT UNPACK` it is the pulling process itself.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { benchEnv } from '../lib/hyperfine.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mb: { type: 'string', default: '40' },
    layers: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    dir: { type: 'string' },
    'keep-env': { type: 'boolean', default: false },
    one: { type: 'boolean', default: false },
  },
});

/** The busybox OCI layout of scripts/test-images, built as testImages() builds it when missing. */
function busyboxLayout() {
  const script = fileURLToPath(new URL('../../scripts/test-images/build-images.sh', import.meta.url));
  const version = createHash('sha256').update(readFileSync(script)).update(readFileSync('/bin/busybox')).digest('hex');
  const dir = join(tmpdir(), `gc-test-images-${version.slice(0, 16)}`);
  if (!existsSync(join(dir, 'rootfs.tar'))) {
    const work = `${dir}.${process.pid}.tmp`;
    mkdirSync(work, { recursive: true });
    execFileSync(script, [work], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return join(dir, 'oci');
}

const sha = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** An OCI layout of busybox plus `count` gzip layers of `bytes` each (compressed), tagged `big`. */
function bigLayout(base, dir, count, bytes) {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const put = (data, mediaType) => {
    const digest = sha(data);
    writeFileSync(join(blobs, digest.slice(7)), data);
    return { mediaType, digest, size: data.length };
  };
  const read = (digest) => readFileSync(join(base, 'blobs', 'sha256', digest.slice(7)));
  const index = JSON.parse(readFileSync(join(base, 'index.json'), 'utf8'));
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'busybox');
  const manifest = JSON.parse(read(entry.digest));
  const config = JSON.parse(read(manifest.config.digest));
  const layers = manifest.layers.map((l) => put(read(l.digest), l.mediaType));
  const diffIds = [...config.rootfs.diff_ids];
  for (let i = 0; i < count; i++) {
    // A tar of one file: a 512-byte header, the data (a multiple of 512), two zero blocks.
    const size = Math.ceil((bytes * 2) / 65536) * 65536;
    const data = Buffer.alloc(size);
    for (let at = 0; at < size; at += 65536) randomBytes(32768).copy(data, at);
    const header = Buffer.alloc(512);
    header.write(`data${i}`, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    header.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    header.write('0', 156);
    header.write('ustar\x0000', 257);
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const tar = Buffer.concat([header, data, Buffer.alloc(1024)]);
    diffIds.push(sha(tar));
    layers.push(put(gzipSync(tar, { level: 1 }), 'application/vnd.oci.image.layer.v1.tar+gzip'));
  }
  const newConfig = put(
    Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: diffIds } })),
    'application/vnd.oci.image.config.v1+json',
  );
  const newManifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: newConfig,
        layers,
      }),
    ),
    'application/vnd.oci.image.manifest.v1+json',
  );
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...newManifest, annotations: { 'org.opencontainers.image.ref.name': 'big' } }],
    }),
  );
  return layers.reduce((sum, l) => sum + l.size, 0);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRegistry(dir) {
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'registry')}`,
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      await (await fetch(`http://${host}/v2/`)).arrayBuffer();
      break;
    } catch {
      if (child.exitCode !== null || i > 100) throw new Error('docker-registry did not start');
      await sleep(50);
    }
  }
  return {
    host,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

async function bench() {
  const self = fileURLToPath(import.meta.url);
  const { env, stripped } = benchEnv(values['keep-env']);
  const work = mkdtempSync(join(values.dir ?? '/dev/shm', 'gc-bench-pull-'));
  // skopeo (root) writes a blob-info cache under /var/lib/containers: remove it when this run made it.
  const cache = '/var/lib/containers/cache/blob-info-cache-v1.boltdb';
  const cacheExisted = existsSync(cache);
  const policy = join(work, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const skopeo = ['--policy', policy, '--tmpdir', work, 'copy', '--quiet'];
  let registry;
  try {
    const count = Number(values.layers);
    const total = bigLayout(
      busyboxLayout(),
      join(work, 'layout'),
      count,
      Math.round((Number(values.mb) * 1e6) / count),
    );
    registry = await startRegistry(work);
    execFileSync('skopeo', [
      ...skopeo,
      '--dest-tls-verify=false',
      `oci:${join(work, 'layout')}:big`,
      `docker://${registry.host}/bench/big:1`,
    ]);
    const reference = `${registry.host}/bench/big:1`;
    const out = join(work, 'out');
    const node = process.execPath;
    const cli = fileURLToPath(new URL('../../apps/cli/bin/gocontainer.cjs', import.meta.url));
    const podman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
    const commands = [
      ['pullImage', node, [self, '--one', reference, out, 'false']],
      ['pullImage + unpack', node, [self, '--one', reference, out, 'true']],
      ['gocontainer pull', node, [cli, '--data-root', out, 'pull', '-q', reference]],
      ['skopeo oci:', 'skopeo', [...skopeo, '--src-tls-verify=false', `docker://${reference}`, `oci:${out}:big`]],
      ['skopeo dir:', 'skopeo', [...skopeo, '--src-tls-verify=false', `docker://${reference}`, `dir:${out}`]],
      ...(podman
        ? [
            [
              'podman pull',
              'podman',
              [
                '--root',
                join(out, 'root'),
                '--runroot',
                join(out, 'run'),
                '--tmpdir',
                join(out, 'tmp'),
                '--storage-driver',
                'overlay',
                'pull',
                '-q',
                '--tls-verify=false',
                `docker://${reference}`,
              ],
            ],
          ]
        : []),
    ];
    const times = new Map(commands.map(([name]) => [name, []]));
    const calls = new Map(commands.map(([name]) => [name, []]));
    const fixed = [];
    const rounds = Number(values.rounds);
    for (let round = 0; round < rounds; round++) {
      for (const [name, file, args] of commands) {
        rmSync(out, { recursive: true, force: true });
        if (name.startsWith('skopeo dir')) mkdirSync(out);
        execFileSync('sync');
        const start = process.hrtime.bigint();
        const r = spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (r.status !== 0) throw new Error(`${name} failed (exit status ${r.status})`);
        if (args[0] === self) {
          const call = JSON.parse(r.stdout.toString());
          if (call.size < total) throw new Error(`${name}: the image is short`);
          calls.get(name).push(call.seconds);
          fixed.push(seconds - call.seconds);
        }
        times.get(name).push(seconds);
      }
    }
    const mid = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    const median = (name) => mid(times.get(name));
    const call = (name) => mid(calls.get(name));
    const mb = total / 1e6;
    console.log(
      `bench/image/pull (node ${process.version}${stripped ? ', NODE_EXTRA_CA_CERTS removed' : ''}): ${reference}, ${count + 1} layers, ${mb.toFixed(1)} MB compressed, from docker-registry on loopback, ${rounds} rounds, median of process wall times:`,
    );
    for (const [name] of commands) {
      const t = median(name);
      const all = times
        .get(name)
        .map((s) => (s * 1000).toFixed(0))
        .join(' ');
      const own = calls.get(name).length > 0 ? `, the call ${(call(name) * 1000).toFixed(0)} ms` : '';
      console.log(
        `  ${name.padEnd(19)} ${(t * 1000).toFixed(0).padStart(6)} ms  ${(mb / t).toFixed(0).padStart(5)} MB/s  (${all} ms${own})`,
      );
    }
    console.log(
      `  (node's start and the import of @gc/image/registry, inside the process figures: ${(mid(fixed) * 1000).toFixed(0)} ms)`,
    );
    console.log(
      `  skopeo oci: / pullImage time:          ${(median('skopeo oci:') / median('pullImage')).toFixed(2)}x (target >= 1x: no slower)`,
    );
    console.log(`  skopeo oci: / the pullImage call:      ${(median('skopeo oci:') / call('pullImage')).toFixed(2)}x`);
    console.log(
      `  skopeo dir: / pullImage time:          ${(median('skopeo dir:') / median('pullImage')).toFixed(2)}x`,
    );
    console.log(
      `  skopeo oci: / pullImage + unpack time: ${(median('skopeo oci:') / median('pullImage + unpack')).toFixed(2)}x`,
    );
    console.log(
      `  skopeo oci: / gocontainer pull time:   ${(median('skopeo oci:') / median('gocontainer pull')).toFixed(2)}x`,
    );
    if (podman) {
      console.log(
        `  podman pull / pullImage + unpack time: ${(median('podman pull') / median('pullImage + unpack')).toFixed(2)}x (both unpack)`,
      );
      console.log(
        `  podman pull / gocontainer pull time:   ${(median('podman pull') / median('gocontainer pull')).toFixed(2)}x (both unpack)`,
      );
    }
  } finally {
    await registry?.stop();
    if (!cacheExisted) {
      rmSync(cache, { force: true });
      for (const dir of ['/var/lib/containers/cache', '/var/lib/containers']) {
        try {
          rmdirSync(dir);
        } catch {
          // Not empty (someone else's) or not there.
        }
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

if (values.one) {
  const [reference, root, unpack] = positionals;
  // @gc/image/registry: what a program that pulls imports (no archive code).
  const { createImageStore, pullImage } = await import(
    new URL('../../packages/image/dist/registry-entry.js', import.meta.url)
  );
  const { createKernel } = await import(new URL('../../packages/syscall/dist/index.js', import.meta.url));
  const start = process.hrtime.bigint();
  const store = createImageStore({ root, kernel: createKernel() });
  const image = await pullImage(store, reference, { unpack: unpack === 'true' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ size: image.size, seconds })}\n`);
} else {
  await bench();
}
