import { GcError } from '@gc/syscall';
import type { Descriptor, ImageIndex, Manifest } from '../descriptor.js';
import { type Digest, digestOf, isDigest, parseDigest } from '../digest.js';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_SCHEMA1,
  DOCKER_MANIFEST_SCHEMA1_SIGNED,
  isIndex,
  isManifest,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../media-types.js';
import type { RegistryResponse } from './http-get.js';
import { pullScope } from './registry-auth.js';
import { type RegistryClient, responseError } from './registry-client.js';

/** containerd's Accept for manifests: what it can parse, then anything (to refuse it with a clear error). */
export const MANIFEST_ACCEPT = [DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX, '*/*'].join(', ');

// A manifest is small; a larger answer is not one (containerd's limit is the same order).
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export type FetchedManifest =
  | { kind: 'manifest'; descriptor: Descriptor; bytes: Buffer; manifest: Manifest }
  | { kind: 'index'; descriptor: Descriptor; bytes: Buffer; index: ImageIndex };

async function readLimited(response: RegistryResponse, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_MANIFEST_BYTES) {
    await response.cancel();
    throw new GcError('EIMAGE_SIZE', `${what}: ${declared} bytes is too large for a manifest`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  await response.readBody((chunk) => {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES)
      throw new GcError('EIMAGE_SIZE', `${what}: more than ${MAX_MANIFEST_BYTES} bytes is too large for a manifest`);
    chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

function schema1(what: string): GcError {
  return new GcError(
    'EIMAGE_SCHEMA1',
    `${what}: the registry serves it as a Docker schema 1 manifest, which is deprecated and not supported; the image must be re-pushed with a newer tool (Docker 1.10 or later, skopeo, buildah)`,
  );
}

function checkDescriptor(value: unknown, field: string): Descriptor {
  const d = value as Partial<Descriptor> | undefined;
  if (typeof d !== 'object' || d === null)
    throw new GcError('EIMAGE_MANIFEST', `${field}: expected a descriptor object`);
  if (typeof d.mediaType !== 'string') throw new GcError('EIMAGE_MANIFEST', `${field}.mediaType: expected a string`);
  parseDigest(d.digest, `${field}.digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new GcError('EIMAGE_MANIFEST', `${field}.size: expected a non-negative integer`);
  }
  if (d.urls !== undefined && (!Array.isArray(d.urls) || d.urls.some((u) => typeof u !== 'string'))) {
    throw new GcError('EIMAGE_MANIFEST', `${field}.urls: expected an array of URLs`);
  }
  return d as Descriptor;
}

/** The parts of a manifest or index that a pull reads, checked; the store validates the rest when it records the image. */
function parseBody(bytes: Buffer, mediaType: string, what: string): Manifest | ImageIndex {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new GcError('EIMAGE_MANIFEST', `${what}: not JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null)
    throw new GcError('EIMAGE_MANIFEST', `${what}: expected a JSON object`);
  const object = body as Record<string, unknown>;
  if (object.schemaVersion === 1) throw schema1(what);
  if (object.schemaVersion !== 2) throw new GcError('EIMAGE_MANIFEST', `${what}: schemaVersion: expected 2`);
  if (isIndex(mediaType)) {
    if (!Array.isArray(object.manifests)) throw new GcError('EIMAGE_MANIFEST', `${what}: manifests: expected an array`);
    for (const [i, m] of object.manifests.entries()) checkDescriptor(m, `${what}: manifests[${i}]`);
  } else {
    checkDescriptor(object.config, `${what}: config`);
    if (!Array.isArray(object.layers)) throw new GcError('EIMAGE_MANIFEST', `${what}: layers: expected an array`);
    for (const [i, l] of object.layers.entries()) checkDescriptor(l, `${what}: layers[${i}]`);
  }
  return body as Manifest | ImageIndex;
}

/** The media type of a body the registry labelled `application/json` or not at all: OCI allows leaving it out. */
function sniff(bytes: Buffer): string | undefined {
  try {
    const body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (body.schemaVersion === 1) return DOCKER_MANIFEST_SCHEMA1;
    if (typeof body.mediaType === 'string') return body.mediaType;
    if (Array.isArray(body.manifests)) return OCI_INDEX;
    if (typeof body.config === 'object') return OCI_MANIFEST;
  } catch {
    // parseBody says what is wrong with it.
  }
  return undefined;
}

/**
 * GET a manifest or index by tag or digest, parsed by its Content-Type.
 * Schema 1 is refused (EIMAGE_SCHEMA1), so is a body whose `mediaType`
 * disagrees with the Content-Type; the digest is checked against the one
 * asked for (by digest), `expected` (a descriptor from an index) and the
 * registry's Docker-Content-Digest.
 */
export async function fetchManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  options: { what: string; expected?: Descriptor; signal?: AbortSignal },
): Promise<FetchedManifest> {
  const { what } = options;
  const response = await client.get(`/v2/${repository}/manifests/${reference}`, {
    scope: pullScope(repository),
    headers: { accept: MANIFEST_ACCEPT },
    signal: options.signal,
    what,
  });
  if (!response.ok) throw await responseError(response, what);
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType === DOCKER_MANIFEST_SCHEMA1 || contentType === DOCKER_MANIFEST_SCHEMA1_SIGNED) {
    await response.cancel();
    throw schema1(what);
  }
  const bytes = await readLimited(response, what);
  let mediaType = contentType;
  if (contentType === '' || contentType === 'application/json' || contentType === 'text/plain') {
    mediaType = sniff(bytes) ?? contentType;
  }
  if (mediaType === DOCKER_MANIFEST_SCHEMA1 || mediaType === DOCKER_MANIFEST_SCHEMA1_SIGNED) throw schema1(what);
  if (!isManifest(mediaType) && !isIndex(mediaType)) {
    throw new GcError(
      'EIMAGE_MEDIA_TYPE',
      `${what}: the registry answered Content-Type ${JSON.stringify(contentType)}, which is not an image manifest or index`,
    );
  }
  const parsed = parseBody(bytes, mediaType, what);
  if (parsed.mediaType !== undefined && parsed.mediaType !== mediaType) {
    throw new GcError(
      'EIMAGE_MEDIA_TYPE',
      `${what}: the body's mediaType ${JSON.stringify(parsed.mediaType)} disagrees with the Content-Type ${JSON.stringify(mediaType)}`,
    );
  }
  const digest = digestOf(bytes);
  const wanted: [Digest | undefined, string][] = [
    [isDigest(reference) ? reference : undefined, 'the digest asked for'],
    [options.expected?.digest, "the index's descriptor"],
  ];
  const header = response.headers.get('docker-content-digest');
  if (header?.startsWith('sha256:'))
    wanted.push([parseDigest(header, 'Docker-Content-Digest'), "the registry's Docker-Content-Digest"]);
  for (const [expected, source] of wanted) {
    if (expected !== undefined && expected !== digest) {
      throw new GcError('EIMAGE_DIGEST', `${what}: the manifest's digest is ${digest}, not ${expected} (${source})`);
    }
  }
  if (options.expected !== undefined) {
    if (options.expected.size !== bytes.length) {
      throw new GcError(
        'EIMAGE_SIZE',
        `${what}: the manifest is ${bytes.length} bytes, not ${options.expected.size} (the index's descriptor)`,
      );
    }
    if (options.expected.mediaType !== mediaType) {
      throw new GcError(
        'EIMAGE_MEDIA_TYPE',
        `${what}: the manifest is ${mediaType}, not ${options.expected.mediaType} as the index says`,
      );
    }
  }
  const descriptor: Descriptor = { mediaType, digest, size: bytes.length };
  return isIndex(mediaType)
    ? { kind: 'index', descriptor, bytes, index: parsed as ImageIndex }
    : { kind: 'manifest', descriptor, bytes, manifest: parsed as Manifest };
}
