// OCI image layouts the pull tests push: a multi-platform index built from
// the busybox test image.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Descriptor, ImageConfig, ImageIndex, Manifest } from '../../descriptor.js';
import { type Digest, digestHex, digestOf } from '../../digest.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../media-types.js';

function writeBlob(layout: string, data: Uint8Array | string, mediaType: string): Descriptor {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const digest = digestOf(bytes);
  writeFileSync(join(layout, 'blobs', 'sha256', digestHex(digest)), bytes);
  return { mediaType, digest, size: bytes.length };
}

function readJson<T>(layout: string, digest: Digest): T {
  return JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', digestHex(digest)), 'utf8')) as T;
}

/** A gzip layer holding one file, and its diff ID. */
export function fileLayer(name: string, content: string | Buffer): { gzip: Buffer; diffId: Digest } {
  const dir = mkdtempSync('/tmp/gc-layer-');
  try {
    writeFileSync(join(dir, name), content);
    const tar = execFileSync('tar', ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-cf', '-', name], {
      maxBuffer: 1 << 30,
    });
    return { gzip: gzipSync(tar, { level: 1 }), diffId: digestOf(tar) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface MultiPlatformLayout {
  dir: string;
  /** The tag in the layout's index.json. */
  tag: string;
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
  /** The layer only the arm64 image has. */
  arm64Layer: Descriptor;
  attestation: Descriptor;
}

/**
 * An index of busybox for linux/amd64 and linux/arm64/v8 (the same layer,
 * with one more in arm64's) and a buildx-style attestation manifest.
 */
export function multiPlatformLayout(busyboxLayout: string, dir: string): MultiPlatformLayout {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const baseIndex = JSON.parse(readFileSync(join(busyboxLayout, 'index.json'), 'utf8')) as ImageIndex;
  const entry = baseIndex.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'busybox');
  if (entry === undefined) throw new Error(`no busybox in ${busyboxLayout}`);
  const base = readJson<Manifest>(busyboxLayout, entry.digest);
  for (const d of [entry, base.config, ...base.layers]) {
    copyFileSync(
      join(busyboxLayout, 'blobs', 'sha256', digestHex(d.digest)),
      join(dir, 'blobs', 'sha256', digestHex(d.digest)),
    );
  }
  const amd64 = { ...entry, annotations: undefined, platform: { os: 'linux', architecture: 'amd64' } };

  const config = readJson<ImageConfig>(busyboxLayout, base.config.digest);
  const extra = fileLayer('platform', 'arm64\n');
  const arm64Layer = writeBlob(dir, extra.gzip, OCI_LAYER_GZIP);
  const arm64Config = writeBlob(
    dir,
    JSON.stringify({
      ...config,
      architecture: 'arm64',
      variant: 'v8',
      rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, extra.diffId] },
    }),
    OCI_CONFIG,
  );
  const arm64Manifest = writeBlob(
    dir,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: arm64Config,
      layers: [...base.layers, arm64Layer],
    }),
    OCI_MANIFEST,
  );
  const arm64 = { ...arm64Manifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };

  const statement = writeBlob(dir, '{"_type":"https://in-toto.io/Statement/v0.1"}', 'application/vnd.in-toto+json');
  const emptyConfig = writeBlob(
    dir,
    '{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}',
    OCI_CONFIG,
  );
  const attestationManifest = writeBlob(
    dir,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: emptyConfig, layers: [statement] }),
    OCI_MANIFEST,
  );
  const attestation = {
    ...attestationManifest,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd64.digest },
  };
  // The attestation first: a client that does not skip it would take it.
  const index = writeBlob(
    dir,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [attestation, arm64, amd64] }),
    OCI_INDEX,
  );
  const tag = 'multi';
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir, tag, index, amd64, arm64, arm64Layer, attestation };
}
