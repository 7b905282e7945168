import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
} from '../media-types.js';
import { validateConfig } from './validate-config.js';
import { validateIndex } from './validate-index.js';
import { validateManifest } from './validate-manifest.js';

const descriptor = (mediaType: string) => ({ mediaType, digest: digestOf(mediaType), size: 10 });
const manifest = () => ({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: descriptor(OCI_CONFIG),
  layers: [descriptor(OCI_LAYER_GZIP)],
});
const config = () => ({
  architecture: 'amd64',
  os: 'linux',
  config: { Cmd: ['/bin/sh'] },
  rootfs: { type: 'layers', diff_ids: [digestOf('layer')] },
});

describe('validateManifest', () => {
  it('accepts OCI and Docker schema 2 manifests', () => {
    expect(validateManifest(manifest()).layers).toHaveLength(1);
    const docker = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: descriptor(DOCKER_CONFIG),
      layers: [descriptor(DOCKER_LAYER_GZIP), descriptor(DOCKER_LAYER_GZIP)],
    };
    expect(validateManifest(docker).config.mediaType).toBe(DOCKER_CONFIG);
  });

  it('names the field that is wrong', () => {
    const m = manifest();
    expect(() => validateManifest({ ...m, layers: [{ ...m.layers[0], digest: 'nope' }] })).toThrow(
      'manifest.layers[0].digest: "nope" does not match',
    );
    expect(() => validateManifest({ ...m, layers: [{ ...m.layers[0], size: '10' }] })).toThrow(
      'manifest.layers[0].size: expected an integer, got the string "10"',
    );
    const { config: _, ...noConfig } = m;
    expect(() => validateManifest(noConfig)).toThrow('manifest.config: required');
    expect(() => validateManifest({ ...m, layers: [] })).toThrow('manifest.layers: expected at least 1 item');
    expect(() => validateManifest({ ...m, config: { ...m.config, digest: `sha512:${'a'.repeat(128)}` } })).toThrow(
      'manifest.config.digest: "sha512:',
    );
    expect(() => validateManifest({ ...m, layers: [{ ...m.layers[0], size: -1 }] })).toThrow(
      'manifest.layers[0].size: expected a size in bytes, got -1',
    );
    expect(() => validateManifest(m, 'blob')).not.toThrow();
    expect(() => validateManifest('[]')).toThrow(expect.objectContaining({ code: 'EIMAGE_INVALID' }));
  });

  it('refuses schema 1 and indexes with a clear word', () => {
    expect(() => validateManifest({ schemaVersion: 1, name: 'x', fsLayers: [] })).toThrow(
      "manifest.schemaVersion: 1 is Docker's schema 1, which is not supported",
    );
    expect(() => validateManifest({ ...manifest(), mediaType: OCI_INDEX })).toThrow(
      'manifest.mediaType: "application/vnd.oci.image.index.v1+json" is an image index, not a manifest',
    );
  });
});

describe('validateConfig', () => {
  it('accepts an OCI config and a Docker one with its nulls, which it leaves out', () => {
    expect(validateConfig(config()).rootfs.diff_ids).toHaveLength(1);
    const docker = { ...config(), config: { Env: null, Cmd: null, Entrypoint: null, OnBuild: null, User: '' } };
    expect(validateConfig(docker).config).toEqual({ User: '' });
  });

  it('names the field that is wrong', () => {
    expect(() => validateConfig({ ...config(), rootfs: { type: 'layers', diff_ids: ['x'] } })).toThrow(
      'config.rootfs.diff_ids[0]: "x" is not supported: expected sha256:',
    );
    expect(() => validateConfig({ ...config(), rootfs: { type: 'snapshot', diff_ids: [] } })).toThrow(
      'config.rootfs.type: "snapshot" is not one of layers',
    );
    expect(() => validateConfig({ ...config(), config: { Env: 'PATH=/bin' } })).toThrow(
      'config.config.Env: expected an array, got the string "PATH=/bin"',
    );
    expect(() => validateConfig({ ...config(), config: { Labels: { 'a.b': 1 } } })).toThrow(
      'config.config.Labels["a.b"]: expected a string, got the number 1',
    );
    const { os: _, ...noOs } = config();
    expect(() => validateConfig(noOs)).toThrow('config.os: required');
  });
});

describe('validateIndex', () => {
  it('accepts OCI indexes and Docker manifest lists, and names a wrong field', () => {
    const entry = { ...descriptor(OCI_MANIFEST), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    expect(validateIndex({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry] }).manifests).toHaveLength(1);
    expect(validateIndex({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [] }).manifests).toEqual([]);
    expect(() => validateIndex({ schemaVersion: 2, manifests: [{ ...entry, platform: { os: 'linux' } }] })).toThrow(
      'index.manifests[0].platform.architecture: required',
    );
    expect(() => validateIndex({ schemaVersion: 2, mediaType: OCI_MANIFEST, manifests: [] })).toThrow(
      'index.mediaType: "application/vnd.oci.image.manifest.v1+json" is not an image index',
    );
  });
});
