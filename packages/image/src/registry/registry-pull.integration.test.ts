import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createKernel, GcError } from '@gc/syscall';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testImages } from '../../../../scripts/test-images/test-images.js';
import type { Manifest } from '../descriptor.js';
import { type Digest, digestHex, digestOf } from '../digest.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_SCHEMA1_SIGNED, OCI_MANIFEST } from '../media-types.js';
import { createImageStore } from '../store/create-image-store.js';
import type { ImageStore } from '../store/image-store.js';
import { type MultiPlatformLayout, multiPlatformLayout } from './__fixtures__/oci-layouts.js';
import { startProxy, type TestProxy } from './__fixtures__/test-proxy.js';
import { startRegistry, type TestRegistry } from './__fixtures__/test-registry.js';
import { pullImage } from './pull-image.js';
import type { PullProgress } from './pull-progress.js';

const BLOB = /^\/v2\/[^?]+\/blobs\/(sha256:[a-f0-9]{64})/;

describe('pullImage from a real registry', { timeout: 60_000 }, () => {
  let registry: TestRegistry;
  let work: string;
  let busybox: { manifest: Manifest; digest: Digest; layer: Digest; layerBytes: Buffer };
  let multi: MultiPlatformLayout;
  const proxies: TestProxy[] = [];

  const kernel = createKernel();
  function newStore(): ImageStore {
    return createImageStore({ root: mkdtempSync(join(work, 'store-')), kernel });
  }

  async function proxy(...args: Parameters<typeof startProxy> extends [string, ...infer R] ? R : never) {
    const started = await startProxy(registry.host, ...args);
    proxies.push(started);
    return started;
  }

  function expectError(promise: Promise<unknown>, code: string, text: RegExp) {
    return expect(promise).rejects.toSatisfy(
      (error: unknown) => GcError.isInstance(error) && error.code === code && text.test(error.message),
    );
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gc-pull-test-'));
    const images = testImages();
    registry = await startRegistry();
    await registry.push(`oci:${images.ociLayout}:busybox`, 'test/busybox:1');
    multi = multiPlatformLayout(images.ociLayout, join(work, 'multi'));
    await registry.push(`oci:${multi.dir}:${multi.tag}`, 'test/multi:1', { all: true });
    const response = await fetch(`http://${registry.host}/v2/test/busybox/manifests/1`, {
      headers: { accept: OCI_MANIFEST },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const manifest = JSON.parse(bytes.toString()) as Manifest;
    const layer = manifest.layers[0]?.digest as Digest;
    const blob = await fetch(`http://${registry.host}/v2/test/busybox/blobs/${layer}`);
    busybox = { manifest, digest: digestOf(bytes), layer, layerBytes: Buffer.from(await blob.arrayBuffer()) };
  });

  afterAll(async () => {
    for (const p of proxies) await p.close();
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('pulls an image: manifest, config and layers verified in the store, recorded under its name and digest, unpacked', async () => {
    const store = newStore();
    const events: PullProgress[] = [];
    const image = await pullImage(store, `${registry.host}/test/busybox:1`, { onProgress: (e) => events.push(e) });

    expect(image.names).toEqual([`${registry.host}/test/busybox:1`]);
    expect(image.repoDigests).toEqual([`${registry.host}/test/busybox@${busybox.digest}`]);
    expect(image.id).toBe(busybox.manifest.config.digest);
    expect(image.config.config?.Cmd).toEqual(['/bin/sh']);
    for (const d of [busybox.digest, busybox.manifest.config.digest, busybox.layer]) {
      expect(digestOf(readFileSync(store.blobPath(d)))).toBe(d);
    }
    expect(readdirSync(join(store.root, 'ingest'))).toEqual([]);
    // Unpacked, as docker pull does: the layer's directory holds busybox.
    const [layerDir] = await store.ensureLayers(image);
    expect(readFileSync(join(layerDir ?? '', 'bin', 'busybox'))).toEqual(readFileSync('/bin/busybox'));

    const id = digestHex(busybox.layer).slice(0, 12);
    const statuses = events.filter((e) => e.id === id).map((e) => e.status);
    expect(statuses[0]).toBe('Waiting');
    expect(statuses).toContain('Downloading');
    const after = statuses.slice(statuses.lastIndexOf('Downloading') + 1);
    // A layer unpacked while it downloaded has nothing left to extract once verified.
    expect(after.slice(0, 2)).toEqual(['Verifying Checksum', 'Download complete']);
    expect(after.slice(2, -1).every((s) => s === 'Extracting')).toBe(true);
    expect(after.at(-1)).toBe('Pull complete');
    const last = events.filter((e) => e.status === 'Downloading').at(-1);
    expect(last).toMatchObject({ current: busybox.layerBytes.length, total: busybox.layerBytes.length });

    // A second pull finds everything in the store and asks the registry for no blob.
    const again: PullProgress[] = [];
    const p = await proxy();
    await pullImage(store, `${p.host}/test/busybox:1`, { onProgress: (e) => again.push(e), unpack: false });
    expect(again.map((e) => e.status)).toEqual(['Already exists']);
    expect(p.requests.filter((r) => BLOB.test(r.url))).toEqual([]);
    // Unpacking (the default), as docker pull shows an image it has: no Extracting nor Pull complete of a layer it had.
    const unpacked: PullProgress[] = [];
    await pullImage(store, `${registry.host}/test/busybox:1`, { onProgress: (e) => unpacked.push(e) });
    expect(unpacked.map((e) => e.status)).toEqual(['Already exists']);
  });

  it('pulls by digest, checking the manifest against it, and refuses a manifest that does not match', async () => {
    const store = newStore();
    const image = await pullImage(store, `${registry.host}/test/busybox@${busybox.digest}`, { unpack: false });
    expect(image.manifest.digest).toBe(busybox.digest);
    // As Docker: no tag, found by its repo digest.
    expect(image.names).toEqual([]);
    expect(image.repoDigests).toEqual([`${registry.host}/test/busybox@${busybox.digest}`]);
    expect(store.findImage(`${registry.host}/test/busybox@${busybox.digest}`)?.id).toBe(image.id);

    // A proxy that serves the tag's manifest with one more space for any digest asked for.
    const p = await proxy((req) =>
      req.url?.includes('/manifests/') ? { body: (b) => Buffer.concat([b, Buffer.from(' ')]) } : undefined,
    );
    await expectError(
      pullImage(newStore(), `${p.host}/test/busybox@${busybox.digest}`, { unpack: false }),
      'EIMAGE_DIGEST',
      new RegExp(`not ${busybox.digest} \\(the digest asked for\\)`),
    );
  });

  it('takes the platform asked for from a multi-platform index, skipping attestations', async () => {
    const store = newStore();
    const host = await pullImage(store, `${registry.host}/test/multi:1`, { unpack: false });
    expect(host.manifest.digest).toBe(multi.amd64.digest);
    expect(host.repoDigests).toEqual([`${registry.host}/test/multi@${multi.index.digest}`]);
    expect(store.hasBlob(multi.index.digest)).toBe(true);
    expect(store.hasBlob(multi.arm64Layer.digest)).toBe(false);

    const arm = await pullImage(store, `${registry.host}/test/multi:1`, { platform: 'linux/arm64/v8', unpack: false });
    expect(arm.manifest.digest).toBe(multi.arm64.digest);
    expect(arm.config.architecture).toBe('arm64');
    expect(arm.layers.map((l) => l.digest)).toContain(multi.arm64Layer.digest);
    // arm64 without a variant is v8, as containerd has it.
    const arm2 = await pullImage(store, `${registry.host}/test/multi:1`, { platform: 'linux/aarch64', unpack: false });
    expect(arm2.manifest.digest).toBe(multi.arm64.digest);

    await expectError(
      pullImage(newStore(), `${registry.host}/test/multi:1`, { platform: 'linux/s390x', unpack: false }),
      'EIMAGE_PLATFORM',
      /no manifest for linux\/s390x .*\(available: linux\/arm64\/v8, linux\/amd64\)/,
    );
    // The attestation entry is not a platform one can pull.
    await expectError(
      pullImage(newStore(), `${registry.host}/test/multi:1`, { platform: 'unknown/unknown', unpack: false }),
      'EIMAGE_PLATFORM',
      /available: linux\/arm64\/v8, linux\/amd64\)/,
    );
    await expectError(
      pullImage(newStore(), `${registry.host}/test/multi:1`, { platform: 'arm64', unpack: false }),
      'EIMAGE_PLATFORM',
      /platform: "arm64" is not a platform \(expected OS\/ARCH\[\/VARIANT\]/,
    );
  });

  it('follows a blob redirect to another host without sending it the Authorization', async () => {
    const storage = await startProxy(registry.host, undefined, '127.0.0.2');
    proxies.push(storage);
    const credentials = Buffer.from('alice:secret').toString('base64');
    // A registry that wants Basic credentials and keeps its blobs elsewhere.
    const front = await proxy((req, res) => {
      if (req.headers.authorization !== `Basic ${credentials}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return 'handled';
      }
      const blob = BLOB.exec(req.url ?? '');
      if (blob === null) return undefined;
      res.writeHead(307, { location: `http://${storage.host}${req.url}?signature=abc` });
      res.end();
      return 'handled';
    });
    const store = newStore();
    await pullImage(store, `${front.host}/test/busybox:1`, {
      credentials: { username: 'alice', password: 'secret' },
      unpack: false,
    });
    expect(store.hasBlob(busybox.layer)).toBe(true);
    const redirected = front.requests.filter((r) => BLOB.test(r.url));
    expect(redirected.length).toBe(2);
    expect(redirected.every((r) => r.headers.authorization === `Basic ${credentials}`)).toBe(true);
    expect(storage.requests.map((r) => r.url)).toEqual(redirected.map((r) => `${r.url}?signature=abc`));
    expect(storage.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);

    await expectError(
      pullImage(newStore(), `${front.host}/test/busybox:1`, { unpack: false }),
      'EIMAGE_UNAUTHORIZED',
      /authentication required \(run `gocontainer login 127\.0\.0\.1:\d+`\)/,
    );
    await expectError(
      pullImage(newStore(), `${front.host}/test/busybox:1`, {
        credentials: { username: 'alice', password: 'wrong' },
        unpack: false,
      }),
      'EIMAGE_UNAUTHORIZED',
      /unauthorized: check `gocontainer login`/,
    );
  });

  it('resumes a cut download with Range, within a pull and in the next pull after an interrupted one', async () => {
    const half = Math.floor(busybox.layerBytes.length / 2);
    let cuts = 0;
    const p = await proxy((req) => {
      if (BLOB.exec(req.url ?? '')?.[1] !== busybox.layer || cuts > 0) return undefined;
      cuts++;
      return { cut: half };
    });
    const store = newStore();
    await pullImage(store, `${p.host}/test/busybox:1`, { unpack: false });
    const layerRequests = p.requests.filter((r) => r.url.includes(busybox.layer));
    expect(layerRequests.length).toBe(2);
    expect(layerRequests[0]?.headers.range).toBeUndefined();
    const start = Number(/^bytes=(\d+)-$/.exec(layerRequests[1]?.headers.range ?? '')?.[1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThanOrEqual(half);
    expect(digestOf(readFileSync(store.blobPath(busybox.layer)))).toBe(busybox.layer);

    // The first pull is stopped (Ctrl-C) while the layer is half sent; the next one asks for the rest only.
    let stalled: () => void = () => {};
    const stalledOnce = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    let stalls = 0;
    const q = await proxy((req) => {
      if (BLOB.exec(req.url ?? '')?.[1] !== busybox.layer || stalls > 0) return undefined;
      stalls++;
      setTimeout(stalled, 300);
      return { stall: half };
    });
    const interrupted = newStore();
    const controller = new AbortController();
    const first = pullImage(interrupted, `${q.host}/test/busybox:1`, { unpack: false, signal: controller.signal });
    await stalledOnce;
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(interrupted.hasBlob(busybox.layer)).toBe(false);
    const kept = readFileSync(join(interrupted.root, 'ingest', digestHex(busybox.layer))).length;
    expect(kept).toBeGreaterThan(0);
    await pullImage(interrupted, `${q.host}/test/busybox:1`, { unpack: false });
    expect(q.requests.filter((r) => r.url.includes(busybox.layer)).map((r) => r.headers.range)).toEqual([
      undefined,
      `bytes=${kept}-`,
    ]);
    expect(digestOf(readFileSync(interrupted.blobPath(busybox.layer)))).toBe(busybox.layer);
  });

  it('starts over when the server answers a Range request with the whole blob', async () => {
    const store = newStore();
    // Bytes of an earlier attempt: the first quarter of the layer.
    const quarter = Math.floor(busybox.layerBytes.length / 4);
    const writer = await store.ingest({ digest: busybox.layer, size: busybox.layerBytes.length });
    await writer?.write(busybox.layerBytes.subarray(0, quarter));
    await writer?.abort();
    const p = await proxy((req) => {
      if (req.headers.range !== undefined) delete req.headers.range;
      return undefined;
    });
    await pullImage(store, `${p.host}/test/busybox:1`, { unpack: false });
    expect(p.requests.find((r) => r.url.includes(busybox.layer))?.headers.range).toBe(`bytes=${quarter}-`);
    expect(digestOf(readFileSync(store.blobPath(busybox.layer)))).toBe(busybox.layer);
  });

  it('runs two pulls of one image at once: both succeed, one copy of each blob is stored', async () => {
    const store = newStore();
    const p = await proxy();
    const [a, b] = await Promise.all([
      pullImage(store, `${p.host}/test/busybox:1`, { unpack: false }),
      pullImage(store, `${p.host}/test/busybox:1`, { unpack: false }),
    ]);
    expect(a.id).toBe(b.id);
    expect(readdirSync(join(store.root, 'blobs', 'sha256')).sort()).toEqual(
      [busybox.digest, busybox.manifest.config.digest, busybox.layer].map(digestHex).sort(),
    );
    expect(p.requests.filter((r) => r.url.includes(busybox.layer)).length).toBe(1);
  });

  it('refuses a layer whose bytes do not match its digest, leaving nothing behind', async () => {
    const p = await proxy((req) =>
      req.url?.includes(busybox.layer)
        ? {
            body: (b) => {
              const altered = Buffer.from(b);
              const middle = altered.length >> 1;
              altered[middle] = (altered[middle] ?? 0) ^ 0xff;
              return altered;
            },
          }
        : undefined,
    );
    const store = newStore();
    await expectError(pullImage(store, `${p.host}/test/busybox:1`, { unpack: false }), 'EIMAGE_DIGEST', /./);
    expect(store.hasBlob(busybox.layer)).toBe(false);
    expect(readdirSync(join(store.root, 'ingest'))).toEqual([]);
    expect(store.listImages()).toEqual([]);

    // Unpacked while it downloads, a layer whose blob fails is not put in place, even when its tar is right:
    // here the same tar compressed otherwise (its diff ID matches, its digest and size do not).
    const recompressed = await proxy((req) =>
      req.url?.includes(busybox.layer) ? { body: (b) => gzipSync(gunzipSync(b), { level: 1 }) } : undefined,
    );
    const unpacking = newStore();
    await expectError(pullImage(unpacking, `${recompressed.host}/test/busybox:1`), 'EIMAGE_SIZE', /./);
    expect(readdirSync(join(unpacking.root, 'layers'))).toEqual([]);
    expect(readdirSync(join(unpacking.root, 'tmp'))).toEqual([]);
    expect(readdirSync(join(unpacking.root, 'ingest'))).toEqual([]);
    expect(unpacking.listImages()).toEqual([]);
  });

  it('refuses a schema 1 manifest, saying the image must be re-pushed', async () => {
    const p = await proxy((req, res) => {
      if (!req.url?.includes('/manifests/')) return undefined;
      res.writeHead(200, { 'content-type': DOCKER_MANIFEST_SCHEMA1_SIGNED });
      res.end('{"schemaVersion":1,"name":"test/busybox","tag":"1","fsLayers":[],"history":[]}');
      return 'handled';
    });
    await expectError(
      pullImage(newStore(), `${p.host}/test/busybox:1`, { unpack: false }),
      'EIMAGE_SCHEMA1',
      /schema 1 manifest.*must be re-pushed with a newer tool/,
    );
  });

  it('refuses a manifest whose mediaType disagrees with its Content-Type, and says what is not found', async () => {
    const p = await proxy((req) =>
      req.url?.includes('/manifests/')
        ? { body: (b) => Buffer.from(JSON.stringify({ ...JSON.parse(b.toString()), mediaType: DOCKER_MANIFEST })) }
        : undefined,
    );
    await expectError(
      pullImage(newStore(), `${p.host}/test/busybox:1`, { unpack: false }),
      'EIMAGE_MEDIA_TYPE',
      /mediaType "application\/vnd\.docker\.distribution\.manifest\.v2\+json" disagrees with the Content-Type "application\/vnd\.oci\.image\.manifest\.v1\+json"/,
    );
    await expectError(
      pullImage(newStore(), `${registry.host}/test/busybox:nope`, { unpack: false }),
      'EIMAGE_NOT_FOUND',
      /manifest 127\.0\.0\.1:\d+\/test\/busybox:nope: not found in the registry \(MANIFEST_UNKNOWN/,
    );
  });

  it('stops at once when its signal is aborted, before asking the registry', async () => {
    const p = await proxy();
    const controller = new AbortController();
    controller.abort();
    await expect(
      pullImage(newStore(), `${p.host}/test/busybox:1`, { signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(p.requests).toEqual([]);
    expect(existsSync(work)).toBe(true);
  });
});
