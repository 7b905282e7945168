import { execFileSync } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import type { ImageStore } from '../store/image-store.js';
import { importOciLayout } from './import-oci-layout.js';
import { importRootfs } from './import-rootfs.js';
import { loadArchive } from './load-archive.js';
import { loadTestImages } from './test-images.js';
import { createTestStore } from './test-store.js';

const images = await loadTestImages();
let dir: string;
let store: ImageStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-'));
  store = createTestStore(join(dir, 'store'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('importOciLayout', { timeout: 60_000 }, () => {
  it('imports every tagged image of a layout, tags named in the repository given', async () => {
    const loaded = await importOciLayout(store, images.ociLayout, { name: 'localhost/gc-layout' });
    expect(loaded.map((item) => item.names).sort()).toEqual([
      ['localhost/gc-layout:base'],
      ['localhost/gc-layout:busybox'],
      ['localhost/gc-layout:pause'],
    ]);
    expect(store.findImage('localhost/gc-layout:busybox')?.config.config?.Cmd).toEqual(['/bin/sh']);
  });

  it('selects one image by ref, with the same ID as the archives of it', async () => {
    const [layout, ...rest] = await importOciLayout(store, images.ociLayout, { ref: 'busybox' });
    expect(rest).toEqual([]);
    expect(layout?.names).toEqual([]);
    expect(layout?.tagsWithoutName).toEqual(['busybox']);
    const [docker] = await loadArchive(store, images.busyboxDocker);
    expect(layout?.image.id).toBe(docker?.image.id);
  });

  it('names the refs it has when the ref asked for is not there', async () => {
    await expect(importOciLayout(store, images.ociLayout, { ref: 'nope' })).rejects.toThrow(
      /^oci: index\.json\.manifests: no entry has ref\.name "nope" \(it has "base", "busybox", "pause"\)$/,
    );
  });

  it('refuses a layout whose blob does not match its digest', async () => {
    const copy = join(dir, 'layout');
    cpSync(images.ociLayout, copy, { recursive: true });
    const [busybox] = await importOciLayout(createTestStore(join(dir, 'other')), copy, { ref: 'busybox' });
    const layer = busybox?.image.layers[0];
    if (layer === undefined) throw new Error('no layer');
    const path = join(copy, 'blobs/sha256', layer.digest.slice(7));
    const bytes = readFileSync(path);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    rmSync(path);
    writeFileSync(path, bytes);
    await expect(importOciLayout(store, copy, { ref: 'busybox' })).rejects.toMatchObject({
      code: 'EIMAGE_ARCHIVE',
      message: expect.stringMatching(
        /^layout: index\.json\.manifests\[\d\]\.layers\[0\]: blobs\/sha256\/[a-f0-9]{64}: its content does not match/,
      ),
    });
    expect(store.listImages()).toEqual([]);
  });
});

describe('importRootfs', { timeout: 60_000 }, () => {
  it("makes a one-layer image of a plain tar, its diff ID the tar's sha256", async () => {
    const image = await importRootfs(store, images.rootfsTar, { name: 'localhost/imported:1' });
    const tarDigest = digestOf(readFileSync(images.rootfsTar));
    expect(image.names).toEqual(['localhost/imported:1']);
    expect(image.diffIds).toEqual([tarDigest]);
    expect(image.layers).toEqual([
      expect.objectContaining({ digest: tarDigest, mediaType: 'application/vnd.docker.image.rootfs.diff.tar' }),
    ]);
    expect(image.config.os).toBe('linux');
    expect(image.config.architecture).toBe(process.arch === 'x64' ? 'amd64' : process.arch);
    expect(image.config.history).toEqual([expect.objectContaining({ comment: 'Imported from rootfs.tar' })]);
    expect(Date.parse(image.config.created ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('applies --change instructions in JSON and shell forms', async () => {
    const image = await importRootfs(store, createReadStream(images.rootfsTar), {
      source: 'stdin',
      changes: [
        'CMD ["/bin/sh", "-c", "echo hi"]',
        'entrypoint /bin/env -i',
        'ENV A=1 B="two words"',
        'ENV C legacy form',
        'ENV A=3',
        'WORKDIR /srv',
        'WORKDIR app',
        'USER nobody',
        'EXPOSE 80 53/udp',
        'LABEL org.example=yes',
      ],
    });
    expect(image.config.config).toEqual({
      Cmd: ['/bin/sh', '-c', 'echo hi'],
      Entrypoint: ['/bin/sh', '-c', '/bin/env -i'],
      Env: ['A=3', 'B=two words', 'C=legacy form'],
      WorkingDir: '/srv/app',
      User: 'nobody',
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Labels: { 'org.example': 'yes' },
    });
    expect(image.config.history?.[0]?.comment).toBe('Imported from stdin');
  });

  it('refuses an unknown change naming it', async () => {
    await expect(importRootfs(store, images.rootfsTar, { changes: ['CMD x', 'RUN rm -rf /'] })).rejects.toThrow(
      /^changes\[1\]: "RUN rm -rf \/": RUN is not a change import can make/,
    );
  });

  it('keeps a gzip tarball as given and hashes its uncompressed bytes', async () => {
    const tar = readFileSync(images.rootfsTar);
    const gz = gzipSync(tar);
    const image = await importRootfs(store, Readable.from([gz.subarray(0, 3), gz.subarray(3)]), { name: 'gz' });
    expect(image.layers[0]).toMatchObject({
      digest: digestOf(gz),
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    });
    expect(image.diffIds).toEqual([digestOf(tar)]);
  });

  it('gzips a plain tarball when asked', async () => {
    const image = await importRootfs(store, images.rootfsTar, { compress: 'gzip' });
    expect(image.layers[0]?.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    expect(image.diffIds).toEqual([digestOf(readFileSync(images.rootfsTar))]);
    const stored = store.readBlob(image.layers[0]?.digest ?? 'sha256:');
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('hashes a zstd tarball as it flows', async () => {
    const zst = join(dir, 'rootfs.tar.zst');
    execFileSync('zstd', ['-q', '-3', images.rootfsTar, '-o', zst]);
    const image = await importRootfs(store, zst);
    expect(image.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
    expect(image.diffIds).toEqual([digestOf(readFileSync(images.rootfsTar))]);
  });

  for (const compress of [undefined, 'gzip'] as const) {
    it(`fails, recording nothing, when its input fails half-way${compress ? ' while gzipping' : ''}`, async () => {
      const head = readFileSync(images.rootfsTar).subarray(0, 64 * 1024);
      const input = new Readable({
        read() {
          this.push(head);
          this.destroy(new Error('the disk went away'));
        },
      });
      await expect(importRootfs(store, input, { source: 'stdin', ...(compress ? { compress } : {}) })).rejects.toThrow(
        /^stdin: not a readable tarball: the disk went away$/,
      );
      expect(store.listImages()).toEqual([]);
    });
  }

  it('refuses a corrupt gzip tarball', async () => {
    const gz = gzipSync(readFileSync(images.rootfsTar));
    gz.fill(0x55, 1000, 2000);
    await expect(importRootfs(store, Readable.from([gz]), { source: 'broken.tar.gz' })).rejects.toThrow(
      /^broken\.tar\.gz: not a readable gzip tarball: /,
    );
    expect(store.listImages()).toEqual([]);
  });

  it('refuses what is not a tarball, recording nothing', async () => {
    const bogus = join(dir, 'notes.txt');
    writeFileSync(bogus, 'hello\n'.repeat(200));
    await expect(importRootfs(store, bogus, { name: 'x' })).rejects.toThrow(/^notes\.txt: not a tar archive/);
    expect(store.listImages()).toEqual([]);
  });
});
