import { describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import {
  DOCKER_LAYER_FOREIGN_GZIP,
  DOCKER_LAYER_GZIP,
  OCI_LAYER_GZIP,
  OCI_LAYER_NONDIST_GZIP,
} from '../media-types.js';
import { foreignUrls } from './download-blob.js';

const urls = ['https://storage.example.com/layer', 'http://169.254.169.254/latest/meta-data', 'file:///etc/shadow'];
const layer = (mediaType: string) => ({ mediaType, digest: digestOf('x'), size: 1, urls });

describe('foreignUrls', () => {
  it('fetches a foreign or non-distributable layer from its own http(s) URLs, never another scheme', () => {
    expect(foreignUrls(layer(DOCKER_LAYER_FOREIGN_GZIP))).toEqual(urls.slice(0, 2));
    expect(foreignUrls(layer(OCI_LAYER_NONDIST_GZIP))).toEqual(urls.slice(0, 2));
  });

  it('ignores the urls of an ordinary layer, so a manifest cannot send the pull to any address it names', () => {
    expect(foreignUrls(layer(OCI_LAYER_GZIP))).toEqual([]);
    expect(foreignUrls(layer(DOCKER_LAYER_GZIP))).toEqual([]);
  });
});
