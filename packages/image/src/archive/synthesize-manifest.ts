import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest.js';
import {
  type Compression,
  DOCKER_CONFIG,
  DOCKER_LAYER,
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  OCI_LAYER_ZSTD,
} from '../media-types.js';
import type { ImageStore } from '../store/image-store.js';

// Docker's schema 2 has no zstd layer type; containerd and Docker 25 use OCI's in that case.
const LAYER_TYPES: Record<Compression, string> = {
  none: DOCKER_LAYER,
  gzip: DOCKER_LAYER_GZIP,
  zstd: OCI_LAYER_ZSTD,
};

/**
 * Write the Docker schema 2 manifest of a config and layers that came
 * without one (a docker save archive, an imported root filesystem). The JSON
 * depends on its inputs only, so the same archive gives the same digest.
 */
export async function synthesizeManifest(
  store: ImageStore,
  config: { digest: Digest; size: number },
  layers: { digest: Digest; size: number; compression: Compression }[],
): Promise<Descriptor> {
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, size: config.size, digest: config.digest },
    layers: layers.map((layer) => ({
      mediaType: LAYER_TYPES[layer.compression],
      size: layer.size,
      digest: layer.digest,
    })),
  };
  const stored = await store.putBlob(Buffer.from(JSON.stringify(manifest)));
  return { mediaType: DOCKER_MANIFEST, digest: stored.digest, size: stored.size };
}
