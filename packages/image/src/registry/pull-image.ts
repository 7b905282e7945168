import { GcError } from '@gc/syscall';
import type { Descriptor, ImageConfig, Manifest } from '../descriptor.js';
import { type Digest, isDigest } from '../digest.js';
import { formatReference, parseReference, type Reference } from '../reference.js';
import type { ImageRecord, ImageStore } from '../store/image-store.js';
import { type RegistryCredentials, readCredentials } from './credentials-file.js';
import { downloadBlob } from './download-blob.js';
import { fetchManifest } from './fetch-manifest.js';
import { hostPlatform, normalizePlatform, type PlatformSpec, parsePlatform, selectManifest } from './platform.js';
import { type PullProgress, type PullStatus, progressId } from './pull-progress.js';
import { createRegistryClient } from './registry-client.js';
import { runLimited } from './run-limited.js';

export interface PullOptions {
  /** `linux/arm64/v8`: the manifest to take from an index. This host's platform unless told. */
  platform?: string | PlatformSpec;
  /** Credentials for the image's registry; else looked up in `credentialFiles`. */
  credentials?: RegistryCredentials;
  /** Docker-format credential files, first match winning (see `defaultCredentialFiles`). */
  credentialFiles?: readonly string[];
  /** Registries allowed over plain http or unverified https (loopback ones may use http anyway). */
  insecureRegistries?: readonly string[];
  /** Unpack the layers once downloaded, as `docker pull` does (needs root): true unless told. */
  unpack?: boolean;
  /** Layers downloaded at once: 3, as Docker. */
  concurrency?: number;
  /** Retries of a transient failure per request: 3 unless told. */
  retries?: number;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

function platformOf(option: PullOptions['platform']): PlatformSpec {
  if (option === undefined) return hostPlatform();
  return typeof option === 'string' ? parsePlatform(option) : normalizePlatform(option);
}

/**
 * Each layer's diff ID and index, from the config, for unpacking layers as
 * they download; none where the config does not say (addImage then refuses it).
 */
function diffIdsOf(store: ImageStore, manifest: Manifest): Map<Digest, { diffId: Digest; index: number }> {
  const found = new Map<Digest, { diffId: Digest; index: number }>();
  let diffIds: unknown;
  try {
    diffIds = (JSON.parse(store.readBlob(manifest.config.digest).toString('utf8')) as ImageConfig).rootfs?.diff_ids;
  } catch {
    return found;
  }
  if (!Array.isArray(diffIds) || diffIds.length !== manifest.layers.length) return found;
  manifest.layers.forEach((layer, index) => {
    const diffId = diffIds[index];
    if (typeof diffId === 'string' && isDigest(diffId) && !found.has(layer.digest)) {
      found.set(layer.digest, { diffId, index });
    }
  });
  return found;
}

/**
 * Pull an image from its registry into `store`: the manifest (from the index,
 * for the platform asked for), its config and layers, each verified, then
 * record it under its name (none when pulled by digest) and registry digest and, unless `unpack: false`,
 * unpack its layers. Returns the image's record.
 */
export async function pullImage(
  store: ImageStore,
  reference: string | Reference,
  options: PullOptions = {},
): Promise<ImageRecord> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  const name = formatReference(ref);
  const platform = platformOf(options.platform);
  const signal = options.signal;
  signal?.throwIfAborted();
  const credentials = options.credentials ?? readCredentials(options.credentialFiles ?? [], ref.registry);
  const client = createRegistryClient(ref.registry, {
    credentials,
    insecureRegistries: options.insecureRegistries,
    retries: options.retries,
  });
  const repository = ref.repository;

  const top = await fetchManifest(client, repository, ref.digest ?? ref.tag ?? 'latest', {
    what: `manifest ${name}`,
    signal,
  });
  let fetched = top;
  if (top.kind === 'index') {
    const chosen = selectManifest(top.index, platform, name);
    fetched = await fetchManifest(client, repository, chosen.digest, {
      what: `manifest ${name} (${chosen.digest})`,
      expected: chosen,
      signal,
    });
    if (fetched.kind !== 'manifest') {
      throw new GcError(
        'EIMAGE_MANIFEST',
        `${name}: the index's entry ${chosen.digest} is itself an index (nested indexes are not supported)`,
      );
    }
  }
  if (fetched.kind !== 'manifest') throw new Error('unreachable: an index was resolved above');
  const manifest: Manifest = fetched.manifest;

  const blob = (
    descriptor: Descriptor,
    what: string,
    blobSignal: AbortSignal | undefined,
    progress?: (s: PullStatus, c?: number, t?: number) => void,
    unpackAs?: { diffId: Digest; index: number },
  ) =>
    downloadBlob(client, store, repository, descriptor, {
      what: `${what} ${descriptor.digest} of ${name}`,
      signal: blobSignal,
      ...(unpackAs !== undefined ? { unpackAs } : {}),
      onBytes: progress && ((current, total) => progress('Downloading', current, total)),
      onVerifying: progress && (() => progress('Verifying Checksum')),
    });

  const emit = (digest: Digest, status: PullStatus, current?: number, total?: number) =>
    options.onProgress?.({
      id: progressId(digest),
      digest,
      status,
      ...(current !== undefined ? { current, total } : {}),
    });

  // Docker shows each layer once, even when a manifest lists one twice.
  const layers = [...new Map(manifest.layers.map((layer) => [layer.digest, layer])).values()];
  const fetchedLayers = new Set<Digest>();
  for (const layer of layers) emit(layer.digest, store.hasBlob(layer.digest) ? 'Already exists' : 'Waiting');
  // From the first blob to addImage, so that no prune removes what this pull stored but has not recorded yet.
  const lease = await store.lease(`pull ${name}`);
  let image: ImageRecord;
  try {
    if (top.kind === 'index') await store.putBlob(top.bytes, top.descriptor);
    if (!store.hasBlob(manifest.config.digest)) await blob(manifest.config, 'config', signal);
    const unpackAs = options.unpack !== false ? diffIdsOf(store, manifest) : new Map();
    await runLimited(
      layers.filter((layer) => !store.hasBlob(layer.digest)),
      options.concurrency ?? 3,
      async (layer, layerSignal) => {
        const downloaded = await blob(
          layer,
          'layer',
          layerSignal,
          (status, current, total) => emit(layer.digest, status, current, total),
          unpackAs.get(layer.digest),
        );
        emit(layer.digest, downloaded ? 'Download complete' : 'Already exists');
        if (downloaded) fetchedLayers.add(layer.digest);
      },
      signal,
    );
    await store.putBlob(fetched.bytes, fetched.descriptor);
    signal?.throwIfAborted();
    image = await store.addImage(fetched.descriptor, {
      // As Docker: pulled by digest, the image gets no tag, only its repo digest.
      names: ref.digest === undefined ? [name] : [],
      repoDigests: [`${ref.registry}/${repository}@${top.descriptor.digest}`],
    });
  } finally {
    lease.release();
  }
  const complete = new Set<Digest>();
  const extracting = new Set<Digest>();
  if (options.unpack !== false) {
    await store.ensureLayers(image, (progress) => {
      const digest = progress.layer.digest;
      if (complete.has(digest)) return;
      // A layer unpacked before (done at once) shows nothing more than its "Already exists", as Docker's.
      if (progress.done && !extracting.has(digest)) return;
      extracting.add(digest);
      emit(digest, 'Extracting', progress.read, progress.total);
      if (progress.done) {
        complete.add(digest);
        emit(digest, 'Pull complete');
      }
    });
  }
  for (const digest of fetchedLayers) if (!complete.has(digest)) emit(digest, 'Pull complete');
  return image;
}
