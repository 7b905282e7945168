import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageStore } from '../store/image-store.js';
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

  it('synthesizes the same manifest digest for the same docker save archive', async () => {
    const [first] = await loadArchive(store, images.pauseDocker);
    const [second] = await loadArchive(store, images.pauseDocker);
    expect(second?.image.manifest.digest).toBe(first?.image.manifest.digest);
    expect(first?.image.config.config?.Entrypoint?.[0]).toBe('/bin/sh');
  });
});
