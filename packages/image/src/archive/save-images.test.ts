import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageStore } from '../store/image-store.js';
import { loadArchive } from './load-archive.js';
import { saveImages } from './save-images.js';
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

function entries(archive: string): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n').sort();
}

describe('saveImages', { timeout: 60_000 }, () => {
  for (const format of ['docker', 'oci'] as const) {
    it(`round-trips two images through the ${format} format with the same IDs and names`, async () => {
      const [busybox] = await loadArchive(store, images.busyboxOci);
      const [pause] = await loadArchive(store, images.pauseOci);
      if (busybox === undefined || pause === undefined) throw new Error('nothing loaded');
      const archive = join(dir, `saved-${format}.tar`);
      await saveImages(store, [busybox.image, pause.image], archive, { format });
      const names = entries(archive);
      expect(names).toContain('oci-layout');
      expect(names).toContain('index.json');
      expect(names.includes('manifest.json')).toBe(format === 'docker');
      // Both images share their one layer: written once.
      expect(names.filter((name) => name.startsWith('blobs/sha256/') && name.length > 14)).toHaveLength(5);

      const other = createTestStore(join(dir, 'other'));
      const loaded = await loadArchive(other, archive);
      expect(loaded.map((item) => [item.image.id, item.image.names]).sort()).toEqual(
        [
          [busybox.image.id, ['localhost/gc-e2e-busybox:1']],
          [pause.image.id, ['localhost/gc-e2e-pause:1']],
        ].sort(),
      );
      expect(other.findImage('localhost/gc-e2e-pause:1')?.manifest.digest).toBe(pause.image.manifest.digest);
    });
  }

  it('writes a docker format whose manifest.json alone loads (as older docker load reads it)', async () => {
    const [busybox] = await loadArchive(store, images.busyboxOci);
    if (busybox === undefined) throw new Error('nothing loaded');
    const archive = join(dir, 'saved.tar');
    await saveImages(store, [busybox.image], archive, { format: 'docker' });
    // Without the OCI layout's files (GNU tar's --delete is unreliable: extract and pack again).
    const extracted = join(dir, 'x');
    execFileSync('mkdir', [extracted]);
    execFileSync('tar', ['-C', extracted, '-xf', archive]);
    const dockerOnly = join(dir, 'docker-only.tar');
    execFileSync('tar', ['-C', extracted, '-cf', dockerOnly, 'manifest.json', 'repositories', 'blobs']);
    const other = createTestStore(join(dir, 'other'));
    const [loaded] = await loadArchive(other, dockerOnly);
    expect(loaded?.image.id).toBe(busybox.image.id);
    expect(loaded?.names).toEqual(['localhost/gc-e2e-busybox:1']);
    expect(loaded?.image.layers[0]?.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    const repositories = JSON.parse(execFileSync('tar', ['-xOf', archive, 'repositories'], { encoding: 'utf8' }));
    expect(Object.keys(repositories)).toEqual(['localhost/gc-e2e-busybox']);
  });

  it('leaves no partial file when a blob is missing', async () => {
    const [busybox] = await loadArchive(store, images.busyboxDocker);
    if (busybox === undefined) throw new Error('nothing loaded');
    rmSync(store.blobPath(busybox.image.layers[0]?.digest ?? 'sha256:'));
    const archive = join(dir, 'out', 'saved.tar');
    execFileSync('mkdir', ['-p', join(dir, 'out')]);
    await expect(saveImages(store, [busybox.image], archive, { format: 'docker' })).rejects.toThrow(
      `localhost/gc-e2e-busybox:1: layers[0]: blob ${busybox.image.layers[0]?.digest} is not in the store`,
    );
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe('saveImages stopped half-way', () => {
  it('removes its temp file when a stored blob turns out short', async () => {
    const [busybox] = await loadArchive(store, images.busyboxDocker);
    const layer = busybox?.image.layers[0];
    if (busybox === undefined || layer === undefined) throw new Error('nothing loaded');
    const path = store.blobPath(layer.digest);
    const half = readFileSync(path).subarray(0, layer.size / 2);
    rmSync(path);
    writeFileSync(path, half);
    mkdirSync(join(dir, 'out'));
    await expect(saveImages(store, [busybox.image], join(dir, 'out', 'saved.tar'), { format: 'oci' })).rejects.toThrow(
      `localhost/gc-e2e-busybox:1: layers[0]: blob ${layer.digest} in the store: not the ${layer.size} bytes its descriptor says`,
    );
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe('saveImages output read by other tools', { timeout: 120_000 }, () => {
  for (const format of ['docker', 'oci'] as const) {
    it(`podman load and skopeo inspect accept the ${format} format`, async () => {
      // The docker format with a gzip layer (docker save writes tars), the OCI one with a plain tar layer.
      const [busybox] = await loadArchive(store, format === 'docker' ? images.busyboxOci : images.busyboxDocker);
      if (busybox === undefined) throw new Error('nothing loaded');
      // podman reads an OCI archive of one image only; docker's format may hold several.
      const [pause] = format === 'docker' ? await loadArchive(store, images.pauseDocker) : [];
      const archive = join(dir, 'saved.tar');
      await saveImages(store, [busybox.image, ...(pause !== undefined ? [pause.image] : [])], archive, { format });

      const transport = format === 'docker' ? 'docker-archive' : 'oci-archive';
      const inspected = JSON.parse(
        execFileSync(
          'skopeo',
          ['inspect', `${transport}:${archive}${format === 'docker' ? ':localhost/gc-e2e-busybox:1' : ''}`],
          {
            encoding: 'utf8',
          },
        ),
      );
      expect(inspected.Env).toEqual(['PATH=/usr/sbin:/usr/bin:/sbin:/bin']);

      const root = join(dir, 'podman-root');
      const runroot = join(dir, 'podman-runroot');
      const podman = (...args: string[]) =>
        execFileSync('podman', ['--root', root, '--runroot', runroot, '--storage-driver', 'vfs', ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      try {
        const out = podman('load', '-i', archive);
        expect(out).toMatch(/Loaded image.*localhost\/gc-e2e-busybox:1/);
        const id = podman('image', 'inspect', '--format', '{{.Id}}', 'localhost/gc-e2e-busybox:1').trim();
        expect(`sha256:${id}`).toBe(busybox.image.id);
        if (pause !== undefined) {
          expect(out).toMatch(/Loaded image.*localhost\/gc-e2e-pause:1/);
          const pauseId = podman('image', 'inspect', '--format', '{{.Id}}', 'localhost/gc-e2e-pause:1').trim();
          expect(`sha256:${pauseId}`).toBe(pause.image.id);
        }
      } finally {
        try {
          podman('system', 'reset', '--force');
        } catch {
          // reset fails when nothing was created; the directories go below either way.
        }
        rmSync(root, { recursive: true, force: true });
        rmSync(runroot, { recursive: true, force: true });
      }
      expect(existsSync(root)).toBe(false);
    });
  }
});
