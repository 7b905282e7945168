import type { Descriptor } from '../descriptor.js';
import { type Digest, isDigest } from '../digest.js';
import { layerCompression } from '../media-types.js';
import { validateConfig } from '../validate/validate-config.js';
import { validateManifest } from '../validate/validate-manifest.js';
import { type BlobSource, readJsonBlob } from './blob-source.js';
import { at, expectArray, expectDescriptor, expectObject, fail, type Json, type Where } from './json-fields.js';
import { validated } from './validated.js';

/** An image manifest whose blobs are all in the store and agree with it. */
export interface VerifiedManifest {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/**
 * Check an image manifest and everything it references: each blob present
 * with the digest and size the manifest says, every layer of a known layer
 * type, and the config's rootfs.diff_ids one per layer.
 */
export async function verifyManifest(blobs: BlobSource, manifest: Descriptor, where: Where): Promise<VerifiedManifest> {
  const body = expectObject(await readJsonBlob(blobs, manifest, where), where);
  if (body.schemaVersion !== 2) throw fail(at(where, 'schemaVersion'), `${String(body.schemaVersion)}, expected 2`);
  const config = expectDescriptor(body.config, at(where, 'config'));
  const layerList = expectArray(body.layers, at(where, 'layers'));
  const layers = layerList.map((value, i) => {
    const layer = expectDescriptor(value, at(at(where, 'layers'), i));
    if (layerCompression(layer.mediaType) === undefined) {
      throw fail(at(at(at(where, 'layers'), i), 'mediaType'), `${JSON.stringify(layer.mediaType)} is not a layer type`);
    }
    return layer;
  });
  const configWhere = at(where, 'config');
  const configBody = expectObject(await readJsonBlob(blobs, config, configWhere), configWhere);
  checkDiffIds(configBody, layers.length, configWhere);
  validated(validateManifest, body, where);
  validated(validateConfig, configBody, configWhere);
  for (const [i, layer] of layers.entries()) await blobs.require(layer, at(at(where, 'layers'), i));
  return { manifest, config, layers };
}

/** The config's rootfs.diff_ids, checked to be digests, one per layer. */
export function checkDiffIds(config: Json, layerCount: number, where: Where): Digest[] {
  const rootfs = expectObject(config.rootfs, at(where, 'rootfs'));
  const diffIds = expectArray(rootfs.diff_ids, at(at(where, 'rootfs'), 'diff_ids'));
  for (const [i, diffId] of diffIds.entries()) {
    if (!isDigest(diffId)) {
      throw fail(at(at(at(where, 'rootfs'), 'diff_ids'), i), `${JSON.stringify(diffId)}, expected a sha256 digest`);
    }
  }
  if (diffIds.length !== layerCount) {
    throw fail(
      at(at(where, 'rootfs'), 'diff_ids'),
      `${diffIds.length} diff IDs for ${layerCount} layers (expected one per layer)`,
    );
  }
  return diffIds as Digest[];
}
