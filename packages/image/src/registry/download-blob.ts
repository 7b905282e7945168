import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest.js';
import {
  DOCKER_LAYER_FOREIGN_GZIP,
  OCI_LAYER_NONDIST,
  OCI_LAYER_NONDIST_GZIP,
  OCI_LAYER_NONDIST_ZSTD,
} from '../media-types.js';
import type { BlobWriter, ImageStore } from '../store/image-store.js';
import { createBatchedWrite } from './batched-write.js';
import type { RegistryResponse } from './http-get.js';
import { pullScope } from './registry-auth.js';
import { type RegistryClient, responseError } from './registry-client.js';
import { networkErrorText } from './registry-transport.js';

export interface DownloadBlobOptions {
  signal?: AbortSignal;
  /** Bytes on disk so far (including those of an earlier, interrupted pull), and the blob's size. */
  onBytes?: (current: number, total: number) => void;
  /** Called once the bytes are all there and the store verifies them. */
  onVerifying?: () => void;
  /** The blob is a layer to unpack while it downloads (see `ImageStore.ingest`). */
  unpackAs?: { diffId: Digest; index: number };
  what: string;
}

const FOREIGN_LAYERS = new Set([
  OCI_LAYER_NONDIST,
  OCI_LAYER_NONDIST_GZIP,
  OCI_LAYER_NONDIST_ZSTD,
  DOCKER_LAYER_FOREIGN_GZIP,
]);

// Layers the image spec marks as fetched from their own URLs (Windows base layers, mostly). Only
// those: as moby does, a manifest cannot send a pull of an ordinary layer to any address it names.
export function foreignUrls(descriptor: Descriptor): string[] {
  if (!FOREIGN_LAYERS.has(descriptor.mediaType)) return [];
  return (descriptor.urls ?? []).filter((url) => /^https?:\/\//i.test(url));
}

/** The first byte of a `Content-Range: bytes 100-199/200` answer, or undefined when it has none. */
function rangeStart(response: RegistryResponse): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match !== null ? Number(match[1]) : undefined;
}

async function openBlob(
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
  offset: number,
  options: DownloadBlobOptions,
) {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const request = { headers, signal: options.signal, what: options.what };
  let lastError: unknown;
  for (const url of foreignUrls(descriptor)) {
    try {
      const response = await client.getUrl(url, request);
      if (response.ok) return response;
      lastError = await responseError(response, `${options.what} from ${url}`);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      lastError = error;
    }
  }
  const response = await client.get(`/v2/${repository}/blobs/${descriptor.digest}`, {
    ...request,
    scope: pullScope(repository),
  });
  if (!response.ok && response.status !== 416) {
    const error = await responseError(response, options.what);
    // A foreign layer's own URLs failing says more than the registry's 404.
    throw lastError !== undefined && response.status === 404 ? lastError : error;
  }
  return response;
}

/**
 * Download one blob into the store, verified by the store's writer.
 * Resumes with `Range` from what an earlier attempt left (in this pull or an
 * interrupted one), starts over when the server ignores the Range, retries
 * transient failures. Resolves false when the blob was in the store already
 * (or another writer put it there meanwhile).
 */
export async function downloadBlob(
  client: RegistryClient,
  store: ImageStore,
  repository: string,
  descriptor: Descriptor,
  options: DownloadBlobOptions,
): Promise<boolean> {
  const expected = { digest: descriptor.digest, size: descriptor.size, mediaType: descriptor.mediaType };
  const ingestOptions = options.unpackAs !== undefined ? { unpackAs: options.unpackAs } : undefined;
  const first = await store.ingest(expected, ingestOptions);
  if (first === undefined) return false;
  let writer: BlobWriter = first;
  let offset = writer.offset;
  // Whether the writer still holds bytes to keep (false once committed or discarded).
  let holding = true;
  try {
    for (let attempt = 0; ; ) {
      const started = offset;
      try {
        const response = await openBlob(client, repository, descriptor, offset, options);
        if (response.status === 416) {
          // Everything is on disk already: let commit verify it.
          await response.cancel();
          if (offset !== descriptor.size) throw await responseError(response, options.what);
        } else if (offset > 0 && (response.status !== 206 || rangeStart(response) !== offset)) {
          // The server sent the blob from its start: drop what we had and take its bytes.
          holding = false;
          await writer.abort({ discard: true });
          const fresh = await store.ingest(expected, ingestOptions);
          if (fresh === undefined) {
            await response.cancel();
            return false;
          }
          writer = fresh;
          holding = true;
          offset = writer.offset;
          if (offset !== 0) {
            await response.cancel();
            continue;
          }
        }
        options.onBytes?.(offset, descriptor.size);
        if (response.status !== 416) {
          const batch = createBatchedWrite(writer);
          try {
            const overflow = async () => {
              await batch.flush();
              holding = false;
              await writer.abort({ discard: true });
              throw new GcError(
                'EIMAGE_SIZE',
                `${options.what}: the registry sent more than the ${descriptor.size} bytes of the descriptor`,
              );
            };
            // Not an async callback: a promise per chunk is what reading by 'data' events saves.
            await response.readBody((chunk) => {
              if (offset + chunk.length > descriptor.size) return overflow();
              const wait = batch.push(chunk);
              offset += chunk.length;
              options.onBytes?.(offset, descriptor.size);
              return wait;
            });
          } finally {
            // What arrived before a cut is written, so that the resume asks for the rest.
            if (holding) await batch.flush();
          }
        }
        break;
      } catch (error) {
        if (options.signal?.aborted || !holding || !client.isTransient(error)) throw error;
        // A cut connection that moved forward does not use up a retry: a slow, flaky link still finishes.
        if (offset > started) attempt = 0;
        if (!(await client.backoff(attempt, options.signal))) {
          if (GcError.isInstance(error)) throw error;
          throw new GcError(
            'EIMAGE_REGISTRY',
            `${options.what}: ${networkErrorText(error)} after ${offset} of ${descriptor.size} bytes`,
            { cause: error },
          );
        }
        attempt++;
      }
    }
    options.onVerifying?.();
    // A failed commit removes the bytes itself.
    holding = false;
    await writer.commit();
    return true;
  } finally {
    // Keep what arrived for the next pull to resume.
    if (holding) await writer.abort().catch(() => undefined);
  }
}
