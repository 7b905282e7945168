import { GcError } from '@gc/syscall';
import type { ImageRecord, ImageStore } from '../store/image-store.js';
import { archiveBlobs } from './archive-blobs.js';
import { type ArchiveContents, type ArchiveInput, archiveSource, readArchiveEntries } from './archive-entries.js';
import { EIMAGE_ARCHIVE } from './archive-error.js';
import { planDockerSave, readDockerSaveManifest } from './docker-save-manifest.js';
import { repositoryOf } from './image-names.js';
import type { PlannedImage } from './image-plan.js';
import { expectObject, fail, parseJson, type Where } from './json-fields.js';
import { planOciIndex } from './oci-index.js';

export interface LoadOptions {
  /**
   * The repository (`localhost/busybox`) for OCI ref.names that are only a
   * tag, as podman load's NAME argument; without it such images load unnamed.
   */
  name?: string;
  /** What errors call the archive when `input` is a stream (`stdin`); a path's base name otherwise. */
  source?: string;
}

/** An image a load recorded. */
export interface LoadedImage {
  image: ImageRecord;
  /** The names this load pointed at it. */
  names: string[];
  /** ref.names that were only a tag and got no name, as no repository was given. */
  tagsWithoutName: string[];
}

export type ArchiveFormat = 'docker' | 'oci';

/**
 * `docker load` / `podman load`: read a docker save archive or an OCI archive
 * (tar, as a path or a stream, read once: entries may come in any order),
 * verify it, and record its images. A Docker 25 archive, which is both, is
 * read as the OCI layout it is, with manifest.json's RepoTags added. Nothing
 * is recorded unless every image checks out; blobs stored before a failure
 * are left for prune.
 */
export async function loadArchive(
  store: ImageStore,
  input: ArchiveInput,
  options: LoadOptions = {},
): Promise<LoadedImage[]> {
  const repository = options.name !== undefined ? repositoryOf(options.name) : undefined;
  const source = archiveSource(input, options.source);
  // From the first blob to the last addImage, so no prune removes blobs stored but not yet added.
  const lease = await store.lease(`load ${source}`);
  try {
    const contents = await readArchiveEntries(store, input, source);
    const plans = await planArchive(store, contents, repository);
    return await addPlans(store, plans);
  } finally {
    lease.release();
  }
}

/** Record the images an import verified, each with its names. */
export async function addPlans(store: ImageStore, plans: PlannedImage[]): Promise<LoadedImage[]> {
  const loaded: LoadedImage[] = [];
  for (const plan of plans) {
    const image = await store.addImage(plan.manifest, { names: plan.names });
    loaded.push({ image, names: plan.names, tagsWithoutName: plan.tagsWithoutName });
  }
  return loaded;
}

/** Which format an archive is, from the files it holds. */
export function archiveFormat(contents: ArchiveContents): ArchiveFormat {
  const { metadata, source } = contents;
  if (metadata.has('oci-layout') && metadata.has('index.json')) return 'oci';
  if (metadata.has('manifest.json')) return 'docker';
  if (metadata.has('oci-layout'))
    throw new GcError(EIMAGE_ARCHIVE, `${source}: index.json: missing from an OCI archive`);
  if (metadata.has('repositories')) {
    throw new GcError(
      EIMAGE_ARCHIVE,
      `${source}: manifest.json: missing (a docker save archive from before Docker 1.10 is not supported)`,
    );
  }
  throw new GcError(
    EIMAGE_ARCHIVE,
    `${source}: neither a docker save archive (manifest.json) nor an OCI archive (oci-layout and index.json)`,
  );
}

async function planArchive(
  store: ImageStore,
  contents: ArchiveContents,
  repository: string | undefined,
): Promise<PlannedImage[]> {
  const format = archiveFormat(contents);
  if (format === 'docker') return planDockerSave(store, contents);
  checkLayoutVersion(contents.metadata.get('oci-layout') as Buffer, { source: contents.source, field: 'oci-layout' });
  const indexWhere: Where = { source: contents.source, field: 'index.json' };
  const index = parseJson(contents.metadata.get('index.json') as Buffer, indexWhere);
  const plans = await planOciIndex(archiveBlobs(store, contents), index, indexWhere, {
    ...(repository !== undefined ? { repository } : {}),
  });
  // Docker 25 writes the names in manifest.json too; they name the image of the same config.
  for (const item of readDockerSaveManifest(contents)) {
    const plan = plans.find((candidate) => candidate.config.digest === item.config.digest);
    for (const name of item.names) if (plan !== undefined && !plan.names.includes(name)) plan.names.push(name);
  }
  return plans;
}

/** The oci-layout file: `{"imageLayoutVersion": "1.0.0"}` (any 1.x). */
export function checkLayoutVersion(data: Buffer, where: Where): void {
  const layout = expectObject(parseJson(data, where), where);
  const version = layout.imageLayoutVersion;
  if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
    throw fail({ ...where, field: `${where.field}.imageLayoutVersion` }, `${JSON.stringify(version)}, expected 1.0.0`);
  }
}
