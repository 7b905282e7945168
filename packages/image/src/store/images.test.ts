import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST } from '../media-types.js';
import type { ImageStore } from './image-store.js';
import { addLayoutImage, layoutManifest, openStore, putLayoutBlobs, tempDirs } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const BUSYBOX = 'docker.io/library/busybox:latest';

/** An image of the store made of JSON blobs: its config differs by `label`, its one layer is shared. */
async function fakeImage(store: ImageStore, label: string, names: string[]) {
  const layer = await store.putBlob(Buffer.from('not a real layer'));
  const config = await store.putBlob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { label } },
        rootfs: { type: 'layers', diff_ids: [digestOf('uncompressed')] },
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...config },
      layers: [{ mediaType: OCI_LAYER_GZIP, ...layer }],
    }),
  );
  const stored = await store.putBlob(manifest);
  return store.addImage({ mediaType: OCI_MANIFEST, ...stored }, { names });
}

describe('the image index', () => {
  it('adds an image from its blobs, by ID = config digest, with full names and its size', async () => {
    const store = openStore(dirs.make());
    const { manifest, parsed } = await putLayoutBlobs(store, 'busybox');
    const image = await store.addImage(manifest, {
      names: ['busybox', 'localhost:5000/tools/busybox:1'],
      repoDigests: [`busybox@${manifest.digest}`],
    });
    expect(image.id).toBe(parsed.config.digest);
    expect(image.names).toEqual([BUSYBOX, 'localhost:5000/tools/busybox:1']);
    expect(image.repoDigests).toEqual([`docker.io/library/busybox@${manifest.digest}`]);
    expect(image.size).toBe(manifest.size + parsed.config.size + parsed.layers[0]!.size);
    expect(image.diffIds).toEqual(image.config.rootfs.diff_ids);
    expect(image.config.config?.Cmd).toEqual(['/bin/sh']);
    expect(Date.parse(image.added)).toBeGreaterThan(Date.now() - 60_000);
    expect(store.listImages()).toEqual([image]);
    expect((await store.readManifest(manifest.digest)).layers).toEqual(parsed.layers);
  });

  it('refuses an image whose blobs are not all in the store, naming the missing one', async () => {
    const store = openStore(dirs.make());
    const manifest = layoutManifest('busybox');
    await expect(store.addImage(manifest)).rejects.toThrow(
      `manifest: blob ${manifest.digest} is not in the store: store it first`,
    );
    const full = openStore(dirs.make());
    const { parsed: busybox } = await putLayoutBlobs(full, 'busybox');
    const bare = openStore(dirs.make());
    await bare.putBlob(full.readBlob(manifest.digest));
    await bare.putBlob(full.readBlob(busybox.config.digest));
    await expect(bare.addImage(manifest)).rejects.toThrow(
      `manifest.layers[0]: blob ${busybox.layers[0]!.digest} is not in the store`,
    );
    expect(bare.listImages()).toEqual([]);
  });

  it('finds an image by short and full name, ID, ID prefix with or without sha256:, and name@digest', async () => {
    const store = openStore(dirs.make());
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    const hex = image.id.slice(7);
    for (const text of [
      'busybox',
      'busybox:latest',
      'library/busybox',
      BUSYBOX,
      image.id,
      hex,
      hex.slice(0, 12),
      `sha256:${hex.slice(0, 5)}`,
      `busybox@${image.manifest.digest}`,
    ]) {
      expect(store.findImage(text)?.id, text).toBe(image.id);
    }
    expect(store.findImage('busybox:1')).toBeUndefined();
    expect(store.findImage('alpine')).toBeUndefined();
    expect(store.findImage(`busybox@${digestOf('other')}`)).toBeUndefined();
    expect(() => store.findImage('Not An Image!')).toThrow(expect.objectContaining({ code: 'EIMAGE_REFERENCE' }));
  });

  it('calls an ID prefix of several images ambiguous, naming them', async () => {
    const store = openStore(dirs.make());
    const images = [];
    // Configs differing by a label until two IDs share their first hex digit.
    for (let i = 0; ; i++) {
      images.push(await fakeImage(store, String(i), [`img${i}`]));
      const first = images.map((img) => img.id[7]);
      const shared = first.find((c, at) => first.indexOf(c) !== at);
      if (shared === undefined) continue;
      const both = images.filter((img) => img.id[7] === shared);
      expect(() => store.findImage(shared)).toThrow(`image ID prefix ${shared} matches 2 images: `);
      expect(() => store.findImage(`sha256:${shared}`)).toThrow(both[0]!.id.slice(7, 19));
      expect(() => store.findImage(shared)).toThrow(expect.objectContaining({ code: 'EIMAGE_AMBIGUOUS' }));
      // Named as Docker shows names, not as the index keys them.
      expect(() => store.findImage(shared)).toThrow(
        `${both[1]!.id.slice(7, 19)} (${both[1]!.names[0]!.slice('docker.io/library/'.length)})`,
      );
      expect(store.findImage(both[0]!.id.slice(7, 20))?.id).toBe(both[0]!.id);
      break;
    }
  });

  it('moves a name to the image it is added or tagged with, leaving the old one dangling', async () => {
    const store = openStore(dirs.make());
    const old = await fakeImage(store, 'old', ['app:1', 'app:latest']);
    const fresh = await fakeImage(store, 'new', ['app:latest']);
    expect(store.findImage('app')?.id).toBe(fresh.id);
    expect(store.findImage(old.id)?.names).toEqual(['docker.io/library/app:1']);
    const tagged = await store.tagImage(fresh, 'app:1');
    expect(tagged.names).toEqual(['docker.io/library/app:latest', 'docker.io/library/app:1']);
    expect(store.findImage(old.id)?.names).toEqual([]);
    await expect(store.tagImage(fresh, 'app@sha256:x')).rejects.toMatchObject({ code: 'EIMAGE_REFERENCE' });
    await expect(store.tagImage(fresh, `app@${digestOf('x')}`)).rejects.toThrow('a name is NAME[:TAG]');
  });
});

describe('removing images', () => {
  it('untags a name of several, and deletes the image with its last name, with its blobs', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const image = await addLayoutImage(store, 'busybox', ['busybox', 'mine:1']);
    expect(await store.removeImage('mine:1')).toEqual({ untagged: ['docker.io/library/mine:1'], deleted: [] });
    expect(store.findImage(image.id)?.names).toEqual([BUSYBOX]);
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toHaveLength(3);
    expect(await store.removeImage('busybox')).toEqual({ untagged: [BUSYBOX], deleted: [image.id] });
    expect(store.listImages()).toEqual([]);
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([]);
    await expect(store.removeImage('busybox')).rejects.toThrow('image busybox: no such image');
  });

  it('keeps blobs another image shares', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const busybox = await addLayoutImage(store, 'busybox', ['busybox']);
    const pause = await addLayoutImage(store, 'pause', ['pause']);
    await store.removeImage('busybox');
    expect(store.hasBlob(busybox.layers[0]!.digest)).toBe(true);
    expect(store.hasBlob(busybox.id)).toBe(false);
    expect(store.hasBlob(pause.id)).toBe(true);
  });

  it('refuses to remove by ID an image of several names unless forced', async () => {
    const store = openStore(dirs.make());
    const image = await fakeImage(store, 'x', ['a', 'b']);
    await expect(store.removeImage(image.id.slice(7, 19))).rejects.toMatchObject({ code: 'EIMAGE_CONFLICT' });
    expect(await store.removeImage(image.id, { force: true })).toEqual({
      untagged: ['docker.io/library/a:latest', 'docker.io/library/b:latest'],
      deleted: [image.id],
    });
  });

  it('refuses an image a container holds, naming it; force removes the record but keeps its content', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    await store.retain('web-1', image);
    await expect(store.removeImage('busybox')).rejects.toThrow(
      `image busybox (${image.id.slice(7, 19)}) is in use by container web-1: remove the container first, or force`,
    );
    await expect(store.removeImage('busybox')).rejects.toMatchObject({ code: 'EIMAGE_IN_USE' });
    expect(await store.removeImage('busybox', { force: true })).toEqual({ untagged: [BUSYBOX], deleted: [image.id] });
    expect(store.findImage('busybox')).toBeUndefined();
    for (const digest of [image.id, image.manifest.digest, image.layers[0]!.digest]) {
      expect(store.hasBlob(digest)).toBe(true);
    }
    await store.prune({ all: true });
    expect(store.hasBlob(image.layers[0]!.digest)).toBe(true);
    await store.release('web-1');
    await store.prune();
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([]);
  });

  it('drops a hold whose owner is gone (another boot; its process and run directory gone), never a live one', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const runDir = join(dirs.make(), 'c');
    mkdirSync(runDir);
    const owned = async (id: string, edit: (owner: Record<string, unknown>) => void) => {
      const image = await fakeImage(store, id, [id]);
      await store.retain(id, image, { runDir });
      const path = join(root, 'containers', id);
      const hold = JSON.parse(readFileSync(path, 'utf8'));
      expect(hold.owner).toMatchObject({ pid: process.pid, runDir });
      edit(hold.owner);
      writeFileSync(path, JSON.stringify(hold));
      return image;
    };
    const gone = join(runDir, 'gone');
    // Rebooted: /run is empty, every process ended.
    const rebooted = await owned('rebooted', (o) => {
      o.boot = 'another-boot';
    });
    // Its process gone (its pid another process's now) and its run directory removed.
    const dead = await owned('dead', (o) => {
      o.start = (o.start as number) + 1;
      o.runDir = gone;
    });
    // Its process gone, its run directory there: its container may run until a sweep kills it.
    const unswept = await owned('unswept', (o) => {
      o.start = (o.start as number) + 1;
    });
    // Its process alive (this one), its run directory removed by hand: its container runs.
    const live = await owned('live', (o) => {
      o.runDir = gone;
    });

    expect((await store.removeImage('rebooted')).deleted).toEqual([rebooted.id]);
    for (const id of ['unswept', 'live']) {
      await expect(store.removeImage(id)).rejects.toMatchObject({ code: 'EIMAGE_IN_USE' });
    }
    expect((await store.prune({ all: true })).deleted).toEqual([dead.id]);
    expect(store.listImages().map((i) => i.id)).toEqual([unswept.id, live.id]);
    expect(readdirSync(join(root, 'containers')).sort()).toEqual(['live', 'unswept']);
    // The dead holds' blobs went with their images; the live ones' stay.
    expect(existsSync(store.blobPath(dead.id))).toBe(false);
    expect(existsSync(store.blobPath(live.id))).toBe(true);
  });

  it('a hold a crash of the machine left empty (older than the boot) holds nothing; an unreadable newer one is refused', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const image = await addLayoutImage(store, 'busybox', ['busybox']);
    await store.retain('web-1', image);
    const hold = join(root, 'containers', 'web-1');
    writeFileSync(hold, '');
    // Written since the boot: a record gone bad while the machine runs, which could hold anything.
    await expect(store.removeImage('busybox')).rejects.toMatchObject({ code: 'EIMAGE_CORRUPT' });
    // From before the boot: its container died with the machine.
    utimesSync(hold, new Date(0), new Date(0));
    expect(await store.removeImage('busybox')).toEqual({ untagged: [BUSYBOX], deleted: [image.id] });
    expect(store.hasBlob(image.layers[0]!.digest)).toBe(false);
  });

  it('refuses to retain an image the store does not have, and a bad container ID', async () => {
    const store = openStore(dirs.make());
    const image = await fakeImage(store, 'x', ['x']);
    await expect(store.retain('../evil', image)).rejects.toThrow('containerId: "../evil" is not a container ID');
    await store.removeImage('x');
    await expect(store.retain('c1', image)).rejects.toMatchObject({ code: 'EIMAGE_NOT_FOUND' });
  });
});

describe('prune', () => {
  it('removes dangling images; with all, every image no container holds; then unreferenced content', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const dangling = await fakeImage(store, 'old', ['app']);
    const named = await fakeImage(store, 'new', ['app']);
    const held = await addLayoutImage(store, 'busybox', []);
    await store.retain('c1', held);
    const stray = await store.putBlob(Buffer.from('a blob of no image'));

    const first = await store.prune();
    expect(first.deleted).toEqual([dangling.id]);
    expect(first.reclaimed).toBeGreaterThan(0);
    expect(store.listImages().map((i) => i.id)).toEqual([named.id, held.id]);
    expect(store.hasBlob(named.layers[0]!.digest)).toBe(true);
    // Young unreferenced blobs stay: a writer without a lease may be about to add its image.
    expect(store.hasBlob(stray.digest)).toBe(true);
    const long = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(store.blobPath(stray.digest), long, long);

    const second = await store.prune({ all: true });
    expect(second.deleted).toEqual([named.id]);
    expect(store.listImages().map((i) => i.id)).toEqual([held.id]);
    expect(store.hasBlob(stray.digest)).toBe(false);
    expect(readdirSync(join(root, 'blobs', 'sha256')).sort()).toEqual(
      [held.id, held.manifest.digest, held.layers[0]!.digest].map((d) => d.slice(7)).sort(),
    );
  });

  it('waits for a writer in flight and keeps what it wrote under its lease', async () => {
    const store = openStore(dirs.make());
    const lease = await store.lease('a pull');
    const { manifest } = await putLayoutBlobs(store, 'busybox');
    const data = Buffer.from('a layer being downloaded');
    const writer = await store.ingest({ digest: digestOf(data), size: data.length });
    await writer?.write(data.subarray(0, 5));
    let pruned = false;
    const pruning = store.prune({ all: true }).then((r) => {
      pruned = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pruned).toBe(false);
    await writer?.write(data.subarray(5));
    await writer?.commit();
    const image = await store.addImage(manifest, { names: ['busybox'] });
    await store.retain('c1', image);
    lease.release();
    expect((await pruning).deleted).toEqual([]);
    expect(store.findImage('busybox')?.id).toBe(image.id);
    for (const digest of [image.id, image.manifest.digest, image.layers[0]!.digest]) {
      expect(store.hasBlob(digest)).toBe(true);
    }
    // Stored under the lease, referenced by no image: once the lease is released nothing protects it.
    expect(store.hasBlob(digestOf(data))).toBe(false);
  });

  it('removes at once what a killed writer left: its interrupted ingest and the blobs it stored under its lease', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const kept = await addLayoutImage(store, 'busybox', ['busybox']);
    // A load killed before its addImage: its lease's lock is released by its death, as here by release().
    const lease = await store.lease('a load');
    const { manifest } = await putLayoutBlobs(store, 'pause');
    const data = Buffer.from('a layer cut short');
    const writer = await store.ingest({ digest: digestOf(data), size: data.length });
    await writer?.write(data.subarray(0, 5));
    await writer?.abort();
    lease.release();
    expect(readdirSync(join(root, 'ingest'))).toHaveLength(1);
    // An unleased writer's young blob keeps its grace.
    const unleased = await store.putBlob(Buffer.from('stored without a lease'));

    const { deleted, reclaimed } = await store.prune();
    expect(deleted).toEqual([]);
    expect(reclaimed).toBeGreaterThanOrEqual(manifest.size + 5);
    expect(readdirSync(join(root, 'ingest'))).toEqual([]);
    expect(store.hasBlob(manifest.digest)).toBe(false);
    expect(store.hasBlob(unleased.digest)).toBe(true);
    // What images hold stays, even where the lease stored it again (busybox and pause share a layer).
    for (const digest of [kept.id, kept.manifest.digest, kept.layers[0]!.digest]) {
      expect(store.hasBlob(digest)).toBe(true);
    }
  });

  it('keeps an image pulled by digest (a repo digest, no name): it is not dangling', async () => {
    const store = openStore(dirs.make());
    const { manifest } = await putLayoutBlobs(store, 'busybox');
    const byDigest = await store.addImage(manifest, { repoDigests: [`busybox@${manifest.digest}`] });
    const dangling = await fakeImage(store, 'old', []);
    expect((await store.prune()).deleted).toEqual([dangling.id]);
    expect(store.listImages().map((i) => i.id)).toEqual([byDigest.id]);
    expect((await store.prune({ all: true })).deleted).toEqual([byDigest.id]);
  });

  it('times out rather than wait forever for a writer that never finishes', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const lease = await store.lease();
    const { createImageStore } = await import('./create-image-store.js');
    const { kernel } = await import('./test-support.js');
    const impatient = createImageStore({ root, kernel, lockTimeoutMs: 100 });
    await expect(impatient.prune()).rejects.toThrow(
      /prune the image store: still in use by another process after 100 ms/,
    );
    lease.release();
    expect(await impatient.prune()).toEqual({ deleted: [], reclaimed: 0 });
  });
});
