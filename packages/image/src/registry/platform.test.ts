import { GcError } from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import type { Descriptor, ImageIndex } from '../descriptor.js';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../media-types.js';
import { formatPlatform, hostPlatform, normalizePlatform, parsePlatform, selectManifest } from './platform.js';

const digest = (n: number) => `sha256:${String(n).padStart(64, '0')}` as const;
const entry = (n: number, platform?: Descriptor['platform'], extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType: OCI_MANIFEST,
  digest: digest(n),
  size: 100,
  ...(platform !== undefined ? { platform } : {}),
  ...extra,
});
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });

describe('platforms', () => {
  it('parses OS/ARCH[/VARIANT] with containerd normalisation', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('linux/armhf')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('Linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(formatPlatform(parsePlatform('linux/arm/6'))).toBe('linux/arm/v6');
  });

  it('refuses what is not a platform, naming the option', () => {
    for (const bad of ['', 'linux', 'linux/', 'linux/amd64/v2/x', 'linux amd64']) {
      expect(() => parsePlatform(bad, '--platform')).toThrow(
        expect.objectContaining({ code: 'EIMAGE_PLATFORM', message: expect.stringContaining('--platform:') }),
      );
    }
  });

  it('takes this host as the default: linux/amd64 here', () => {
    const host = hostPlatform();
    expect(host.os).toBe('linux');
    const expected = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'];
    if (expected !== undefined) expect(host.architecture).toBe(expected);
    if (process.arch === 'x64') expect(host.variant).toBeUndefined();
    if (process.arch === 'arm64') expect(host.variant).toBe('v8');
  });
});

describe('selectManifest', () => {
  const amd64 = entry(1, { os: 'linux', architecture: 'amd64' });
  const arm64 = entry(2, { os: 'linux', architecture: 'arm64', variant: 'v8' });
  const armv6 = entry(3, { os: 'linux', architecture: 'arm', variant: 'v6' });
  const attestation = entry(
    4,
    { os: 'unknown', architecture: 'unknown' },
    {
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
  );
  const unknownType = entry(
    5,
    { os: 'linux', architecture: 'amd64' },
    { mediaType: 'application/vnd.example.thing+json' },
  );

  it('picks by os, architecture and variant, passing over unknown media types and attestations', () => {
    const all = index(unknownType, attestation, arm64, amd64, armv6);
    expect(selectManifest(all, parsePlatform('linux/amd64'), 'x')).toBe(amd64);
    expect(selectManifest(all, parsePlatform('linux/arm64'), 'x')).toBe(arm64);
    // An arm64 entry without a variant is v8.
    const plain = entry(6, { os: 'linux', architecture: 'arm64' });
    expect(selectManifest(index(plain), parsePlatform('linux/arm64/v8'), 'x')).toBe(plain);
    // arm/v7 runs arm/v6 images when there is no v7 one.
    expect(selectManifest(all, parsePlatform('linux/arm/v7'), 'x')).toBe(armv6);
    expect(
      selectManifest(index({ ...amd64, mediaType: DOCKER_MANIFEST }), parsePlatform('linux/amd64'), 'x').digest,
    ).toBe(amd64.digest);
  });

  it('lists what the index has when nothing fits', () => {
    const error = (() => {
      try {
        selectManifest(
          index(attestation, arm64, amd64, unknownType),
          parsePlatform('linux/s390x'),
          'docker.io/library/x:1',
        );
      } catch (e) {
        return e;
      }
    })();
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_PLATFORM');
    expect((error as Error).message).toBe(
      'docker.io/library/x:1: no manifest for linux/s390x in the image index (available: linux/arm64/v8, linux/amd64); choose one with the platform option',
    );
    expect(() => selectManifest(index(attestation), parsePlatform('linux/amd64'), 'y')).toThrow(/available: none/);
  });

  it('takes an entry without a platform only when none fits by platform', () => {
    const bare = entry(7);
    expect(selectManifest(index(bare, amd64), parsePlatform('linux/amd64'), 'x')).toBe(amd64);
    expect(selectManifest(index(bare, amd64), parsePlatform('linux/arm64'), 'x')).toBe(bare);
  });

  it('normalises index entries as it does the request', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'x86_64', variant: 'v1' })).toEqual({
      os: 'linux',
      architecture: 'amd64',
    });
  });
});
