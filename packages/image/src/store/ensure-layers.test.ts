import { createReadStream, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../media-types.js';
import { unpackLayer } from '../unpack/unpack-layer.js';
import { DEFAULT_IMAGE_ROOT } from './create-image-store.js';
import type { UnpackProgress } from './image-store.js';
import { imageSize } from './layer-sizes.js';
import type { UnpackFunction } from './store-context.js';
import { addLayoutImage, kernel, openStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('ensureLayers', () => {
  it('unpacks each layer once into layers/, reached by a short l/ link, and reports progress', async () => {
    const root = dirs.make();
    let unpacks = 0;
    const counting: UnpackFunction = (...args) => {
      unpacks++;
      return unpackLayer(...args);
    };
    const store = openStore(root, counting);
    const busybox = await addLayoutImage(store, 'busybox', ['busybox']);
    const pause = await addLayoutImage(store, 'pause', ['pause']);
    const progress: UnpackProgress[] = [];
    const [top, ...rest] = await store.ensureLayers(busybox, (p) => progress.push(p));
    expect(rest).toEqual([]);
    expect(top).toMatch(new RegExp(`^${root}/l/[a-z2-7]{10}$`));
    expect(readlinkSync(top!)).toBe(`../layers/${busybox.diffIds[0]!.slice(7)}/diff`);
    expect(readFileSync(join(top!, 'bin', 'busybox')).length).toBeGreaterThan(100_000);
    expect(progress.at(-1)).toEqual({
      layer: busybox.layers[0],
      read: busybox.layers[0]!.size,
      total: busybox.layers[0]!.size,
      done: true,
    });
    expect(progress.some((p) => !p.done && p.read > 0 && p.read <= p.total)).toBe(true);
    // pause shares the layer: found, not unpacked again.
    expect(await store.ensureLayers(pause)).toEqual([top]);
    expect(unpacks).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    // A hundred such layers, under the default root, fit mount(2)'s page of overlay options.
    const atDefault = top!.replace(root, DEFAULT_IMAGE_ROOT);
    const container = `${DEFAULT_IMAGE_ROOT}/containers/${'f'.repeat(64)}`;
    const data = `lowerdir=${Array(100).fill(atDefault).join(':')},upperdir=${container}/upper,workdir=${container}/work`;
    expect(data.length).toBeLessThan(4096);
  });

  it("records each layer's uncompressed size for every image with that layer, and for images added later", async () => {
    const store = openStore(dirs.make());
    const busybox = await addLayoutImage(store, 'busybox', ['busybox']);
    const pause = await addLayoutImage(store, 'pause', ['pause']);
    expect(imageSize(store.findImage('pause')!)).toBe(pause.layers[0]!.size);
    await store.ensureLayers(busybox);
    const tar = await unpackLayer(
      kernel,
      createReadStream(store.blobPath(busybox.layers[0]!.digest)),
      'gzip',
      dirs.make(),
    );
    for (const name of ['busybox', 'pause']) expect(imageSize(store.findImage(name)!), name).toBe(tar.size);
    await store.removeImage('pause');
    expect(imageSize(await addLayoutImage(store, 'pause', ['pause']))).toBe(tar.size);
  });

  it('unpacks a layer once when two callers ask at once', async () => {
    const root = dirs.make();
    let unpacks = 0;
    const slow: UnpackFunction = async (...args) => {
      unpacks++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return unpackLayer(...args);
    };
    const store = openStore(root, slow);
    const other = openStore(root, slow); // another open of the store: its own lock files, as another process has
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    const [a, b] = await Promise.all([store.ensureLayers(image), other.ensureLayers(image)]);
    expect(a).toEqual(b);
    expect(unpacks).toBe(1);
  });

  it('refuses a layer whose unpacked digest is not its diff ID, naming it, and keeps nothing', async () => {
    const root = dirs.make();
    const lying: UnpackFunction = async (...args) => ({ ...(await unpackLayer(...args)), diffId: digestOf('else') });
    const store = openStore(root, lying);
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    await expect(store.ensureLayers(image)).rejects.toThrow(
      `layer 0 (${image.layers[0]!.digest}): its uncompressed digest is ${digestOf('else')}, but the config's rootfs.diff_ids[0] is ${image.diffIds[0]}`,
    );
    await expect(store.ensureLayers(image)).rejects.toMatchObject({ code: 'EIMAGE_DIFFID' });
    for (const dir of ['layers', 'l', 'tmp']) expect(readdirSync(join(root, dir)), dir).toEqual([]);
  });

  it('refuses a layer of an unknown media type before unpacking anything', async () => {
    const root = dirs.make();
    const store = openStore(root, () => {
      throw new Error('not to be called');
    });
    const layer = await store.putBlob(Buffer.from('layer'));
    const config = await store.putBlob(
      Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf('x')] } }),
      ),
    );
    const manifest = await store.putBlob(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          config: { mediaType: OCI_CONFIG, ...config },
          layers: [{ mediaType: 'application/vnd.example.layer+squashfs', ...layer }],
        }),
      ),
    );
    const image = await store.addImage({ mediaType: OCI_MANIFEST, ...manifest });
    await expect(store.ensureLayers(image)).rejects.toThrow(
      `layer 0 (${layer.digest}): media type "application/vnd.example.layer+squashfs" is not a layer this store unpacks`,
    );
    expect(readdirSync(join(root, 'layers'))).toEqual([]);
  });

  it('cleans up the temp files of a killed writer when it next opens an idle store', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    // What a process killed in the middle of an unpack leaves.
    mkdirSync(join(root, 'tmp', 'layer-999-1-abc', 'diff', 'bin'), { recursive: true });
    writeFileSync(join(root, 'tmp', 'layer-999-1-abc', 'diff', 'bin', 'half'), 'x');
    const lease = await store.lease();
    openStore(root); // busy: leaves them
    expect(readdirSync(join(root, 'tmp'))).toHaveLength(1);
    lease.release();
    const reopened = openStore(root);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(await reopened.ensureLayers(image)).toHaveLength(1);
  });
});

describe('unpackedLayers', () => {
  it('gives the layer directories once they are unpacked, and unpacks nothing itself', async () => {
    const root = dirs.make();
    let unpacks = 0;
    const counting: UnpackFunction = (...args) => {
      unpacks++;
      return unpackLayer(...args);
    };
    const store = openStore(root, counting);
    const busybox = await addLayoutImage(store, 'busybox', ['busybox']);
    expect(store.unpackedLayers(busybox)).toBeUndefined();
    expect(unpacks).toBe(0);
    const layers = await store.ensureLayers(busybox);
    expect(store.unpackedLayers(busybox)).toEqual(layers);
    expect(unpacks).toBe(1);
  });
});
