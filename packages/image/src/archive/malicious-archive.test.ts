import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Digest, digestHex, digestOf } from '../digest.js';
import type { ImageStore } from '../store/image-store.js';
import { loadArchive } from './load-archive.js';
import { createTestStore } from './test-store.js';

let dir: string;
let sentinel: string;
let store: ImageStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-'));
  sentinel = join(dir, 'sentinel');
  mkdirSync(sentinel);
  writeFileSync(join(sentinel, 'keep'), 'untouched');
  store = createTestStore(join(dir, 'store'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Entry {
  header: tar.Headers;
  content?: Buffer | string;
}

async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk);
  })();
  for (const { header, content } of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, content ?? '', (error) => (error ? reject(error) : resolve())),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const file = (name: string, content: string | Buffer): Entry => ({ header: { name }, content });

/** A valid one-layer OCI archive's entries, and its pieces, to break one at a time. */
function ociImage(options: { diffIds?: number; manifestLayer?: { digest: Digest; size: number } } = {}) {
  const layer = Buffer.alloc(1024, 7);
  const layerDigest = digestOf(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: Array(options.diffIds ?? 1).fill(layerDigest) },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          ...(options.manifestLayer ?? { digest: layerDigest, size: layer.length }),
        },
      ],
    }),
  );
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: digestOf(manifest),
        size: manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': 'localhost/evil:1' },
      },
    ],
  });
  const blob = (data: Buffer) => file(`blobs/sha256/${digestHex(digestOf(data))}`, data);
  return {
    layer,
    entries: [
      file('oci-layout', '{"imageLayoutVersion":"1.0.0"}'),
      blob(layer),
      blob(config),
      blob(manifest),
      file('index.json', index),
    ],
  };
}

async function expectRefused(archive: Buffer, message: RegExp): Promise<void> {
  await expect(loadArchive(store, Readable.from([archive]), { source: 'evil.tar' })).rejects.toMatchObject({
    code: 'EIMAGE_ARCHIVE',
    message: expect.stringMatching(message),
  });
  expect(store.listImages()).toEqual([]);
  expect(readdirSync(sentinel)).toEqual(['keep']);
  expect(readdirSync(join(dir, 'store', 'tmp'))).toEqual([]);
  expect(readdirSync(dir).sort()).toEqual(['sentinel', 'store']);
}

describe('loadArchive refuses a malicious archive', () => {
  it('loads the well-formed archive these cases break', async () => {
    const [loaded] = await loadArchive(store, Readable.from([await makeTar(ociImage().entries)]));
    expect(loaded?.names).toEqual(['localhost/evil:1']);
  });

  it('follows links that stay inside the archive, as docker save and skopeo write them', async () => {
    const layer = Buffer.alloc(2048, 1);
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
    });
    const hex = digestHex(digestOf(config));
    const manifest = JSON.stringify([{ Config: 'cfg/config.json', RepoTags: ['linked:1'], Layers: ['abc/layer.tar'] }]);
    const [loaded] = await loadArchive(
      store,
      Readable.from([
        await makeTar([
          file('manifest.json', manifest),
          { header: { name: 'abc/layer.tar', type: 'link', linkname: 'layer.tar' } },
          file('layer.tar', layer),
          { header: { name: 'cfg', type: 'symlink', linkname: 'configs' } },
          file(`configs/config.json`, config),
        ]),
      ]),
    );
    expect(loaded?.image.id).toBe(`sha256:${hex}`);
    expect(loaded?.names).toEqual(['docker.io/library/linked:1']);
    expect(loaded?.image.layers[0]?.digest).toBe(digestOf(layer));
  });

  it('with a symlink loop, as a missing file', async () => {
    const manifest = JSON.stringify([{ Config: 'a/c.json', RepoTags: null, Layers: [] }]);
    await expectRefused(
      await makeTar([
        file('manifest.json', manifest),
        { header: { name: 'a', type: 'symlink', linkname: 'b' } },
        { header: { name: 'b', type: 'symlink', linkname: 'a' } },
      ]),
      /^evil\.tar: manifest\.json\[0\]\.Config: "a\/c\.json" is not a file in the archive$/,
    );
  });

  it('with a name climbing out with ..', async () => {
    const { entries } = ociImage();
    await expectRefused(
      await makeTar([file('blobs/../../sentinel/x', 'x'), ...entries]),
      /^evil\.tar: "blobs\/\.\.\/\.\.\/sentinel\/x": an entry name that is absolute or climbs/,
    );
  });

  it('with an absolute name', async () => {
    await expectRefused(
      await makeTar([file(join(sentinel, 'x'), 'x'), ...ociImage().entries]),
      /: an entry name that is absolute or climbs out/,
    );
  });

  it('with a symlink named blobs pointing outside', async () => {
    const { entries } = ociImage();
    await expectRefused(
      await makeTar([{ header: { name: 'blobs', type: 'symlink', linkname: sentinel } }, ...entries]),
      /^evil\.tar: "blobs": a symlink to ".*sentinel", outside the archive$/,
    );
    await expectRefused(
      await makeTar([{ header: { name: 'blobs', type: 'symlink', linkname: '../../sentinel' } }, ...entries]),
      /^evil\.tar: "blobs": a symlink to "\.\.\/\.\.\/sentinel", outside the archive$/,
    );
  });

  it('with a hard link to a host file', async () => {
    await expectRefused(
      await makeTar([{ header: { name: 'passwd', type: 'link', linkname: '/etc/passwd' } }, ...ociImage().entries]),
      /^evil\.tar: "passwd": a link to "\/etc\/passwd", outside the archive$/,
    );
  });

  it('with a device node', async () => {
    await expectRefused(
      await makeTar([{ header: { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 } }]),
      /^evil\.tar: "null": a character-device entry, which an image archive never holds$/,
    );
  });

  it('with manifest.json twice', async () => {
    const manifest = '[{"Config":"c.json","RepoTags":null,"Layers":[]}]';
    await expectRefused(
      await makeTar([file('manifest.json', manifest), file('manifest.json', manifest)]),
      /^evil\.tar: "manifest\.json": appears twice in the archive$/,
    );
  });

  it('with a manifest naming a blob missing from the archive', async () => {
    const { entries, layer } = ociImage();
    const missing = entries.filter((entry) => entry.header.name !== `blobs/sha256/${digestHex(digestOf(layer))}`);
    await expectRefused(
      await makeTar(missing),
      /^evil\.tar: index\.json\.manifests\[0\]\.layers\[0\]: sha256:[a-f0-9]{64} is not in the archive/,
    );
  });

  it('with a blob whose content does not match its name', async () => {
    const { entries, layer } = ociImage();
    const name = `blobs/sha256/${digestHex(digestOf(layer))}`;
    const swapped = entries.map((entry) => (entry.header.name === name ? file(name, Buffer.alloc(1024, 8)) : entry));
    await expectRefused(
      await makeTar(swapped),
      new RegExp(`^evil\\.tar: ${name}: its content does not match its name`),
    );
  });

  it('with a manifest giving a layer the wrong size', async () => {
    const layer = Buffer.alloc(1024, 7);
    const { entries } = ociImage({ manifestLayer: { digest: digestOf(layer), size: 999 } });
    await expectRefused(
      await makeTar(entries),
      /^evil\.tar: index\.json\.manifests\[0\]\.layers\[0\]: blobs\/sha256\/[a-f0-9]+ has 1024 bytes, the descriptor says 999$/,
    );
  });

  it('with a config whose diff_ids do not match the layers', async () => {
    await expectRefused(
      await makeTar(ociImage({ diffIds: 2 }).entries),
      /^evil\.tar: index\.json\.manifests\[0\]\.config\.rootfs\.diff_ids: 2 diff IDs for 1 layers/,
    );
  });

  it('with a manifest.json claiming a gigabyte, refused before reading it', async () => {
    const archive = await makeTar([file('manifest.json', '[]')]);
    // The size field of the first header (octal, offset 124) and its checksum (offset 148).
    archive.write(`${(2 ** 30).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    archive.fill(' ', 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += archive[i] ?? 0;
    archive.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await expectRefused(
      archive,
      /^evil\.tar: manifest\.json: 1073741824 bytes, more than the \d+ a metadata file may have$/,
    );
  });

  it('with a PAX header claiming a gigabyte, refused before reading it', async () => {
    const archive = await makeTar([
      { header: { name: 'manifest.json', pax: { comment: 'x' } } as tar.Headers, content: '[]' },
    ]);
    // The first header is the PAX header's: its size field and checksum, as above.
    expect(archive.toString('latin1', 156, 157)).toBe('x');
    archive.write(`${(2 ** 30).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    archive.fill(' ', 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += archive[i] ?? 0;
    archive.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await expectRefused(archive, /^evil\.tar: a PAX header: 1073741824 bytes, more than the 1048576 a tar may hold/);
  });

  it('with a docker manifest.json naming a host file', async () => {
    const manifest = JSON.stringify([{ Config: '../../etc/passwd', RepoTags: ['evil:1'], Layers: [] }]);
    await expectRefused(
      await makeTar([file('manifest.json', manifest)]),
      /^evil\.tar: manifest\.json\[0\]\.Config: "\.\.\/\.\.\/etc\/passwd" is not a file in the archive$/,
    );
  });

  it("with a docker layer that is not the config's diff ID", async () => {
    const layer = Buffer.alloc(2048, 1);
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [digestOf('other')] },
    });
    const configName = `${digestHex(digestOf(config))}.json`;
    const manifest = JSON.stringify([{ Config: configName, RepoTags: ['evil:1'], Layers: ['l/layer.tar'] }]);
    await expectRefused(
      await makeTar([file('manifest.json', manifest), file(configName, config), file('l/layer.tar', layer)]),
      /^evil\.tar: manifest\.json\[0\]\.Layers\[0\]: the layer's sha256 is sha256:[a-f0-9]+, the config's rootfs\.diff_ids\[0\] is/,
    );
  });

  it('with a second image whose config is invalid, recording neither', async () => {
    const good = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const bad = JSON.stringify({ architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } });
    const manifest = JSON.stringify([
      { Config: 'good.json', RepoTags: ['good:1'], Layers: [] },
      { Config: 'bad.json', RepoTags: ['bad:1'], Layers: [] },
    ]);
    await expectRefused(
      await makeTar([file('good.json', good), file('bad.json', bad), file('manifest.json', manifest)]),
      /^evil\.tar: manifest\.json\[1\]\.Config\.os: required$/,
    );
  });

  it('with a bad RepoTag, naming it', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const manifest = JSON.stringify([{ Config: 'c.json', RepoTags: ['UPPER/Case:1'], Layers: [] }]);
    await expectRefused(
      await makeTar([file('manifest.json', manifest), file('c.json', config)]),
      /^evil\.tar: manifest\.json\[0\]\.RepoTags\[0\]: "UPPER\/Case:1" is not a valid image name/,
    );
  });

  it('that ends in the middle of an entry', async () => {
    const archive = await makeTar(ociImage().entries);
    await expectRefused(archive.subarray(0, 2048), /^evil\.tar: not a readable tar archive: Unexpected end of data$/);
  });

  it('that is not a tar at all', async () => {
    await expectRefused(Buffer.alloc(4096, 0x41), /^evil\.tar: not a readable tar archive/);
  });

  it('that is neither format', async () => {
    await expectRefused(await makeTar([file('hello.txt', 'hi')]), /^evil\.tar: neither a docker save archive/);
  });
});
