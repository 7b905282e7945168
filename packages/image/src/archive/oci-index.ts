import type { Descriptor } from '../descriptor.js';
import { isIndex, isManifest } from '../media-types.js';
import { formatPlatform, hostPlatform } from '../registry/platform.js';
import { type BlobSource, readJsonBlob } from './blob-source.js';
import { platformMatches } from './host-platform.js';
import { annotatedName, REF_NAME } from './image-names.js';
import { addPlan, type PlannedImage } from './image-plan.js';
import { at, expectArray, expectDescriptor, expectObject, fail, type Where } from './json-fields.js';
import { verifyManifest } from './verify-manifest.js';

const MAX_INDEX_DEPTH = 4;

export interface OciIndexOptions {
  /** The repository for ref.names that are only a tag. */
  repository?: string;
  /** Only the entries whose ref.name is this. */
  ref?: string;
}

/**
 * The images an OCI layout's index.json names: each entry a manifest, or an
 * index from which the host's platform is picked; every blob verified.
 */
export async function planOciIndex(
  blobs: BlobSource,
  index: unknown,
  where: Where,
  options: OciIndexOptions = {},
): Promise<PlannedImage[]> {
  const body = expectObject(index, where);
  if (body.schemaVersion !== 2) throw fail(at(where, 'schemaVersion'), `${String(body.schemaVersion)}, expected 2`);
  const entries = expectArray(body.manifests, at(where, 'manifests'));
  const plans: PlannedImage[] = [];
  let selected = 0;
  for (const [i, value] of entries.entries()) {
    const entryWhere = at(at(where, 'manifests'), i);
    const entry = expectDescriptor(value, entryWhere);
    if (options.ref !== undefined && entry.annotations?.[REF_NAME] !== options.ref) continue;
    selected++;
    const named = annotatedName(entry.annotations, options.repository, at(entryWhere, 'annotations'));
    const manifest = await pickManifest(blobs, entry, entryWhere, 0);
    const verified = await verifyManifest(blobs, manifest.descriptor, manifest.where);
    addPlan(plans, {
      manifest: verified.manifest,
      config: verified.config,
      names: named.name !== undefined ? [named.name] : [],
      tagsWithoutName: named.tag !== undefined ? [named.tag] : [],
    });
  }
  if (options.ref !== undefined && selected === 0) {
    const refs = entries.map((value) => (value as { annotations?: Record<string, string> })?.annotations?.[REF_NAME]);
    const known = refs.filter((ref): ref is string => typeof ref === 'string');
    throw fail(
      at(where, 'manifests'),
      `no entry has ref.name ${JSON.stringify(options.ref)} (${known.length > 0 ? `it has ${known.map((ref) => JSON.stringify(ref)).join(', ')}` : 'none has a ref.name'})`,
    );
  }
  return plans;
}

/** The image manifest an index entry leads to: itself, or the host's entry of the (nested) index it names. */
async function pickManifest(
  blobs: BlobSource,
  entry: Descriptor,
  where: Where,
  depth: number,
): Promise<{ descriptor: Descriptor; where: Where }> {
  if (isManifest(entry.mediaType)) return { descriptor: entry, where };
  if (!isIndex(entry.mediaType) && entry.mediaType !== '') {
    throw fail(at(where, 'mediaType'), `${JSON.stringify(entry.mediaType)} is neither an image manifest nor an index`);
  }
  if (depth >= MAX_INDEX_DEPTH) throw fail(where, `indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  const body = expectObject(await readJsonBlob(blobs, entry, where), where);
  if (entry.mediaType === '') {
    // A descriptor without a media type: the blob says what it is.
    const mediaType = typeof body.mediaType === 'string' ? body.mediaType : '';
    if (Array.isArray(body.manifests))
      return pickManifest(
        blobs,
        { ...entry, mediaType: mediaType || 'application/vnd.oci.image.index.v1+json' },
        where,
        depth,
      );
    return { descriptor: { ...entry, mediaType: mediaType || 'application/vnd.oci.image.manifest.v1+json' }, where };
  }
  const host = hostPlatform();
  const children = expectArray(body.manifests, at(where, 'manifests'));
  const seen: string[] = [];
  for (const [i, value] of children.entries()) {
    const childWhere = at(at(where, 'manifests'), i);
    const child = expectDescriptor(value, childWhere);
    // Attestations and other artifacts: unknown platforms and media types are skipped, not refused.
    if (!isManifest(child.mediaType) && !isIndex(child.mediaType)) continue;
    if (child.platform === undefined) continue;
    seen.push(formatPlatform(child.platform));
    if (platformMatches(child.platform, host)) return pickManifest(blobs, child, childWhere, depth + 1);
  }
  throw fail(
    where,
    `an index with no manifest for ${formatPlatform(host)} (${seen.length > 0 ? `it has ${seen.join(', ')}` : 'no entry names a platform'})`,
  );
}
