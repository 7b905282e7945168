// Helpers of the store's tests: temp roots and images from the test OCI layout.
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel } from '@gc/syscall';
import { testImages } from '../../../../scripts/test-images/test-images.js';
import type { Descriptor, Manifest } from '../descriptor.js';
import type { Digest } from '../digest.js';
import { createImageStore } from './create-image-store.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import type { UnpackFunction } from './store-context.js';

export const kernel = createKernel();

/** A temp directory removed by `cleanup`. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    make(prefix = 'gc-image-store-'): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup(): void {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A store under `root`, unpacking with `unpack` (default: the store's own, unpackLayer). */
export function openStore(root: string, unpack?: UnpackFunction): ImageStore {
  return createImageStore({ root, kernel, ...(unpack ? { unpack } : {}), lockTimeoutMs: 20_000 });
}

/** The manifest descriptor of `name` in the test OCI layout (`busybox`, `pause`). */
export function layoutManifest(name: string): Descriptor {
  const layout = testImages().ociLayout;
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === name);
  if (found === undefined) throw new Error(`no ${name} in ${layout}`);
  return { mediaType: found.mediaType, digest: found.digest, size: found.size };
}

export function layoutBlobPath(digest: Digest): string {
  return join(testImages().ociLayout, 'blobs', 'sha256', digest.slice(7));
}

/** Put the manifest, config and layer blobs of a layout image into the store. */
export async function putLayoutBlobs(
  store: ImageStore,
  name: string,
): Promise<{ manifest: Descriptor; parsed: Manifest }> {
  const manifest = layoutManifest(name);
  const parsed = JSON.parse(readFileSync(layoutBlobPath(manifest.digest), 'utf8')) as Manifest;
  for (const d of [manifest, parsed.config, ...parsed.layers]) {
    await store.putBlobStream(createReadStream(layoutBlobPath(d.digest)), { digest: d.digest, size: d.size });
  }
  return { manifest, parsed };
}

/** A layout image in the store under `names`. */
export async function addLayoutImage(store: ImageStore, name: string, names: string[]): Promise<ImageRecord> {
  const { manifest } = await putLayoutBlobs(store, name);
  return store.addImage(manifest, { names });
}
