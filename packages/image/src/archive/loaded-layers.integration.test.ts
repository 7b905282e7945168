// What a load gives can be run: its layers unpack (the real unpacker, as
// root) to busybox's tree, each checked against its diff ID by the store.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '@gc/syscall';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImageStore } from '../store/create-image-store.js';
import type { ImageStore } from '../store/image-store.js';
import { importOciLayout } from './import-oci-layout.js';
import { importRootfs } from './import-rootfs.js';
import { loadArchive } from './load-archive.js';
import { loadTestImages, removeContainersCacheAfterAll } from './test-images.js';

const images = await loadTestImages();
removeContainersCacheAfterAll();
let dir: string;
let store: ImageStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-'));
  store = createImageStore({ root: join(dir, 'store'), kernel: createKernel(), lockTimeoutMs: 20_000 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectBusybox(lowerdirs: string[]): void {
  expect(lowerdirs).toHaveLength(1);
  const top = lowerdirs[0] as string;
  expect(readlinkSync(join(top, 'bin/sh'))).toBe('busybox');
  expect(lstatSync(join(top, 'bin/busybox')).size).toBeGreaterThan(100_000);
  expect(lstatSync(join(top, 'tmp')).mode & 0o7777).toBe(0o1777);
}

describe('ensureLayers of loaded images', { timeout: 60_000 }, () => {
  for (const [format, path] of [
    ['docker save', images.busyboxDocker],
    ['OCI', images.busyboxOci],
  ] as const) {
    it(`unpacks the ${format} archive's busybox, /bin/sh included`, async () => {
      const [loaded] = await loadArchive(store, path);
      if (loaded === undefined) throw new Error('nothing loaded');
      expectBusybox(await store.ensureLayers(loaded.image));
    });
  }

  it("unpacks an OCI layout import and a rootfs import (gzip'd on the way)", async () => {
    const [layout] = await importOciLayout(store, images.ociLayout, { ref: 'busybox' });
    if (layout === undefined) throw new Error('nothing imported');
    expectBusybox(await store.ensureLayers(layout.image));
    const imported = await importRootfs(store, images.rootfsTar, { name: 'localhost/rootfs:1', compress: 'gzip' });
    expectBusybox(await store.ensureLayers(imported));
  });

  it('unpacks an archive whose layer is zstd, and a zstd rootfs import', async () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
    const layout = join(dir, 'zstd');
    execFileSync('skopeo', [
      ...['--policy', policy, '--tmpdir', dir, 'copy', '--quiet', '--dest-compress', '--dest-compress-format', 'zstd'],
      ...[`oci:${images.ociLayout}:busybox`, `oci:${layout}:busybox`],
    ]);
    const archive = join(dir, 'zstd.tar');
    execFileSync('tar', ['-C', layout, '-cf', archive, '.']);
    const [loaded] = await loadArchive(store, archive, { name: 'localhost/zstd' });
    if (loaded === undefined) throw new Error('nothing loaded');
    expect(loaded.image.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
    expectBusybox(await store.ensureLayers(loaded.image));

    const zst = join(dir, 'rootfs.tar.zst');
    execFileSync('zstd', ['-q', images.rootfsTar, '-o', zst]);
    expectBusybox(await store.ensureLayers(await importRootfs(store, zst, { name: 'localhost/zstd-rootfs:1' })));
  });
});
