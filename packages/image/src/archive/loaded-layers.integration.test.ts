// What a load gives can be run: its layers unpack to busybox's tree, each
// checked against its diff ID by the store.
import { lstatSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImageStore } from '../store/create-image-store.js';
import type { ImageStore } from '../store/image-store.js';
// Until the unpacker lands on main: the store tests' `tar -x` unpacker (no zstd).
import { kernel, tarUnpack } from '../store/test-support.js';
import { importOciLayout } from './import-oci-layout.js';
import { importRootfs } from './import-rootfs.js';
import { loadArchive } from './load-archive.js';
import { loadTestImages } from './test-images.js';

const images = await loadTestImages();
let dir: string;
let store: ImageStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-'));
  store = createImageStore({ root: join(dir, 'store'), kernel, unpack: tarUnpack, lockTimeoutMs: 20_000 });
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
});
