import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageStore } from '../store/image-store.js';
import { imageSize } from '../store/layer-sizes.js';
import { loadArchive } from './load-archive.js';
import { loadTestImages, removeContainersCacheAfterAll } from './test-images.js';
import { createTestStore } from './test-store.js';

const images = await loadTestImages();
removeContainersCacheAfterAll();
let dir: string;
let store: ImageStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-'));
  store = createTestStore(join(dir, 'store'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadArchive', { timeout: 60_000 }, () => {
  it('loads a docker save archive with its RepoTags, Cmd and diff IDs', async () => {
    const [loaded, ...rest] = await loadArchive(store, images.busyboxDocker);
    expect(rest).toEqual([]);
    expect(loaded?.names).toEqual(['localhost/gc-e2e-busybox:1']);
    const image = store.findImage('localhost/gc-e2e-busybox:1');
    expect(image?.id).toBe(loaded?.image.id);
    expect(image?.config.config?.Cmd).toEqual(['/bin/sh']);
    expect(image?.config.config?.Env).toEqual(['PATH=/usr/sbin:/usr/bin:/sbin:/bin']);
    expect(image?.diffIds).toHaveLength(1);
    expect(image?.layers[0]?.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar');
  });

  it('loads an OCI archive to the same image ID', async () => {
    const [oci] = await loadArchive(store, images.busyboxOci);
    const [docker] = await loadArchive(store, images.busyboxDocker);
    expect(oci?.names).toEqual(['localhost/gc-e2e-busybox:1']);
    expect(oci?.image.id).toBe(docker?.image.id);
    expect(oci?.image.diffIds).toEqual(docker?.image.diffIds);
    expect(oci?.image.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
  });

  it('sizes an image as Docker does, uncompressed, whichever archive it came from', async () => {
    const [docker] = await loadArchive(store, images.busyboxDocker);
    const other = createTestStore(join(dir, 'other'));
    const [oci] = await loadArchive(other, images.busyboxOci);
    expect(oci?.image.id).toBe(docker?.image.id);
    // A docker save archive's layers are stored as the uncompressed tars they are.
    const uncompressed = docker!.image.layers.reduce((sum, l) => sum + l.size, 0);
    expect(imageSize(store.findImage(docker!.image.id)!)).toBe(uncompressed);
    // Compressed and not unpacked yet: its stored size is all that is known.
    expect(imageSize(other.findImage(oci!.image.id)!)).toBe(oci!.image.layers[0]!.size);
    await other.ensureLayers(oci!.image);
    expect(imageSize(other.findImage(oci!.image.id)!)).toBe(uncompressed);
    // The stored size stays the stored one.
    expect(other.findImage(oci!.image.id)!.size).toBeLessThan(store.findImage(docker!.image.id)!.size);
  });

  it('synthesizes the same manifest digest for the same docker save archive', async () => {
    const [first] = await loadArchive(store, images.pauseDocker);
    const [second] = await loadArchive(store, images.pauseDocker);
    expect(second?.image.manifest.digest).toBe(first?.image.manifest.digest);
    expect(first?.image.config.config?.Entrypoint?.[0]).toBe('/bin/sh');
  });

  it('loads an OCI archive whose layer is zstd, to the same image ID as the gzip one', async () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
    const layout = join(dir, 'zstd');
    const skopeo = ['--policy', policy, '--tmpdir', dir, 'copy', '--quiet', '--dest-compress-format', 'zstd'];
    execFileSync('skopeo', [...skopeo, '--dest-compress', `oci:${images.ociLayout}:busybox`, `oci:${layout}:busybox`]);
    const archive = join(dir, 'zstd.tar');
    execFileSync('tar', ['-C', layout, '-cf', archive, '.']);
    const [zstd] = await loadArchive(store, archive, { name: 'localhost/zstd' });
    expect(zstd?.names).toEqual(['localhost/zstd:busybox']);
    expect(zstd?.image.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
    expect(store.readBlob(zstd?.image.layers[0]?.digest ?? 'sha256:').subarray(0, 4)).toEqual(
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
    );
    const [gzip] = await loadArchive(store, images.busyboxOci);
    expect(zstd?.image.id).toBe(gzip?.image.id);
    expect(zstd?.image.layers[0]?.digest).not.toBe(gzip?.image.layers[0]?.digest);
  });

  it('loads an archive from a stream, entries in any order (manifest.json first or last)', async () => {
    const listing = execFileSync('tar', ['-tf', images.busyboxDocker], { encoding: 'utf8' }).trim().split('\n');
    const extracted = join(dir, 'x');
    execFileSync('mkdir', [extracted]);
    execFileSync('tar', ['-C', extracted, '-xf', images.busyboxDocker]);
    const reordered = join(dir, 'reordered.tar');
    execFileSync('tar', [
      '-C',
      extracted,
      '-cf',
      reordered,
      'manifest.json',
      ...listing.filter((name) => name !== 'manifest.json').reverse(),
    ]);
    const { createReadStream } = await import('node:fs');
    const [loaded] = await loadArchive(store, createReadStream(reordered), { source: 'stdin' });
    const [original] = await loadArchive(store, images.busyboxDocker);
    expect(loaded?.image.id).toBe(original?.image.id);
    expect(loaded?.names).toEqual(['localhost/gc-e2e-busybox:1']);
  });

  it('loads an OCI archive whose index names a multi-platform index, picking this host', async () => {
    const layout = join(dir, 'multi');
    execFileSync('mkdir', [layout]);
    execFileSync('tar', ['-C', layout, '-xf', images.busyboxOci]);
    const { readFileSync } = await import('node:fs');
    const { digestOf } = await import('../digest.js');
    const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const host = process.arch === 'x64' ? 'amd64' : process.arch;
    const other = host === 'amd64' ? 'arm64' : 'amd64';
    const manifest = top.manifests[0];
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            ...manifest,
            annotations: undefined,
            digest: `sha256:${'0'.repeat(64)}`,
            platform: { os: 'linux', architecture: other },
          },
          {
            mediaType: manifest.mediaType,
            digest: manifest.digest,
            size: manifest.size,
            platform: { os: 'unknown', architecture: 'unknown' },
          },
          {
            mediaType: manifest.mediaType,
            digest: manifest.digest,
            size: manifest.size,
            platform: { os: 'linux', architecture: host },
          },
        ],
      }),
    );
    writeFileSync(join(layout, 'blobs/sha256', digestOf(nested).slice(7)), nested);
    writeFileSync(
      join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.index.v1+json',
            digest: digestOf(nested),
            size: nested.length,
            annotations: {
              'io.containerd.image.name': 'docker.io/library/multi:1',
              'org.opencontainers.image.ref.name': '1',
            },
          },
        ],
      }),
    );
    const archive = join(dir, 'multi.tar');
    execFileSync('tar', ['-C', layout, '-cf', archive, '.']);
    const [loaded] = await loadArchive(store, archive);
    expect(loaded?.names).toEqual(['docker.io/library/multi:1']);
    expect(loaded?.image.manifest.digest).toBe(manifest.digest);
  });

  it('names a missing file', async () => {
    await expect(loadArchive(store, join(dir, 'nope.tar'))).rejects.toThrow(
      /^nope\.tar: cannot read .*nope\.tar: ENOENT$/,
    );
  });

  it('refuses a name with a tag for tag-only refs', async () => {
    await expect(loadArchive(store, images.busyboxOci, { name: 'localhost/x:1' })).rejects.toThrow(
      /^name: "localhost\/x:1" has a tag/,
    );
  });

  it("loads a gzip'd docker save archive and a zstd'd OCI archive, as docker load does", async () => {
    const gz = join(dir, 'busybox.tar.gz');
    execFileSync('sh', ['-c', `gzip -c "$1" > "$2"`, 'sh', images.busyboxDocker, gz]);
    const zst = join(dir, 'busybox-oci.tar.zst');
    execFileSync('zstd', ['-q', images.busyboxOci, '-o', zst]);
    const [fromGzip] = await loadArchive(store, gz);
    const [fromZstd] = await loadArchive(store, zst);
    expect(fromGzip?.names).toEqual(['localhost/gc-e2e-busybox:1']);
    expect(fromZstd?.image.id).toBe(fromGzip?.image.id);
  });

  it('refuses a compressed archive that is corrupt, naming it', async () => {
    const gz = join(dir, 'broken.tar.gz');
    execFileSync('sh', ['-c', `gzip -c "$1" | head -c 100000 > "$2"`, 'sh', images.busyboxDocker, gz]);
    await expect(loadArchive(store, gz)).rejects.toMatchObject({
      code: 'EIMAGE_ARCHIVE',
      message: 'broken.tar.gz: not a readable tar archive: unexpected end of file',
    });
    expect(store.listImages()).toEqual([]);
  });
});
