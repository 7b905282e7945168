import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, GOCONTAINER, gocontainer, type Ran } from '../../test-support/gocontainer.js';
import { type LocalRegistry, startLocalRegistry } from '../../test-support/registry.js';
import { loadTestImages, type TestImages } from '../../test-support/test-images.js';

describe.skipIf(!canRunIntegration())('gocontainer image commands (integration, root)', { timeout: 120_000 }, () => {
  let images: TestImages;
  let work: string;
  let dataRoot: string;
  const gc = (args: string[], root = dataRoot): Promise<Ran> =>
    gocontainer(['--data-root', root, ...args], { timeoutMs: 60_000 });

  beforeAll(async () => {
    images = await loadTestImages();
    work = mkdtempSync(join(tmpdir(), 'gc-image-commands-'));
    dataRoot = join(work, 'data');
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("load prints Docker's Loaded image lines; images lists them with sizes", async () => {
    for (const archive of [images.busyboxDocker, images.pauseOci]) {
      const r = await gc(['load', '-i', archive]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect((await gc(['load', '-i', images.busyboxOci])).stdout).toBe('Loaded image: localhost/gc-e2e-busybox:1\n');
    const table = await gc(['images']);
    expect(table.stderr).toBe('');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    const busybox = lines.find((l) => l.startsWith('localhost/gc-e2e-busybox '));
    expect(busybox).toMatch(
      /^localhost\/gc-e2e-busybox\s+1\s+[0-9a-f]{12}\s+(\d+|About an?) \w+ ago\s+\d+(\.\d+)?[kM]B$/,
    );
    const json = (await gc(['images', '--format', 'json'])).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.map((r) => `${r.Repository}:${r.Tag}`).sort()).toEqual([
      'localhost/gc-e2e-busybox:1',
      'localhost/gc-e2e-pause:1',
    ]);
    expect(json[0]).toMatchObject({ ID: expect.stringMatching(/^[0-9a-f]{12}$/), Size: expect.stringMatching(/B$/) });
    const quiet = await gc(['images', '-q', '--no-trunc', 'localhost/gc-e2e-busybox']);
    expect(quiet.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it('tag names an image again; inspect shows it as docker image inspect does; rmi untags, then deletes', async () => {
    expect(await gc(['tag', 'localhost/gc-e2e-busybox:1', 'mine:2'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const inspect = await gc(['image', 'inspect', 'mine:2']);
    expect(inspect.stderr).toBe('');
    const [info] = JSON.parse(inspect.stdout);
    expect(info).toMatchObject({
      Id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      RepoTags: expect.arrayContaining(['localhost/gc-e2e-busybox:1', 'mine:2']),
      Config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], Entrypoint: null },
      Architecture: expect.any(String),
      Os: 'linux',
      RootFS: { Type: 'layers', Layers: [expect.stringMatching(/^sha256:/)] },
    });
    expect((await gc(['inspect', '-f', '{{.Os}} {{json .Config.Cmd}}', 'mine:2'])).stdout).toBe('linux ["/bin/sh"]\n');
    const missing = await gc(['inspect', 'mine:2', 'nosuch']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toHaveLength(1);
    expect(missing.stderr).toBe('gocontainer: inspect: no such object: nosuch\n');

    expect((await gc(['rmi', 'mine:2'])).stdout).toBe('Untagged: mine:2\n');
    const pause = await gc(['images', '-q', '--no-trunc', 'localhost/gc-e2e-pause']);
    const removed = await gc(['image', 'rm', 'localhost/gc-e2e-pause:1']);
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toBe(`Untagged: localhost/gc-e2e-pause:1\nDeleted: ${pause.stdout.trim()}\n`);
    const again = await gc(['rmi', 'localhost/gc-e2e-pause:1', '-f']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('gocontainer: rmi: no such image: localhost/gc-e2e-pause:1\n');
  });

  it('save writes an archive that load reads into another store; it will not write a tar to a terminal', async () => {
    const archive = join(work, 'saved.tar');
    const saved = await gc(['save', '-o', archive, 'localhost/gc-e2e-busybox:1']);
    expect(saved).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(archive).size).toBeGreaterThan(1000);
    const other = join(work, 'other');
    expect((await gc(['load', '-i', archive], other)).stdout).toBe('Loaded image: localhost/gc-e2e-busybox:1\n');
    const ids = await Promise.all(
      [dataRoot, other].map(async (root) => (await gc(['images', '-q', '--no-trunc'], root)).stdout),
    );
    expect(ids[1]).toBe(ids[0]);
    const run = await gocontainer(['--data-root', other, 'run', 'localhost/gc-e2e-busybox:1', 'echo', 'loaded']);
    expect(run.stdout).toBe('loaded\n');
    // On a terminal (script(1) gives it one), without -o: refused, and nothing written.
    const onTerminal = spawnSync('script', [
      '-qec',
      `${process.execPath} ${GOCONTAINER} --data-root ${dataRoot} save localhost/gc-e2e-busybox:1`,
      '/dev/null',
    ]);
    expect(onTerminal.status).toBe(1);
    expect(onTerminal.stdout.toString()).toBe(
      'gocontainer: save: cowardly refusing to save to a terminal. Use the -o flag or redirect standard output\r\n',
    );
  });

  it('shows one SIZE for one image however it came (uncompressed, as Docker), the stored bytes as ContentSize', async () => {
    const shown = await Promise.all(
      [images.busyboxDocker, images.busyboxOci].map(async (archive) => {
        const root = mkdtempSync(join(work, 'sized-'));
        expect((await gc(['load', '-i', archive], root)).code).toBe(0);
        const [row] = (await gc(['images', '--format', 'json'], root)).stdout
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l));
        const [info] = JSON.parse((await gc(['inspect', 'localhost/gc-e2e-busybox:1'], root)).stdout);
        return { id: row.ID, size: row.Size, inspected: info.Size, content: info.ContentSize };
      }),
    );
    const [docker, oci] = shown as [(typeof shown)[0], (typeof shown)[0]];
    expect(oci.id).toBe(docker.id);
    expect(oci.size).toBe(docker.size);
    expect(oci.inspected).toBe(docker.inspected);
    // gzip's layer is stored smaller than docker save's tar.
    expect(oci.content).toBeLessThan(docker.content);
    expect(oci.inspected).toBeGreaterThan(oci.content);
  });

  it('rmi of an ID with several names names them as Docker shows names', async () => {
    const root = mkdtempSync(join(work, 'named-'));
    expect((await gc(['load', '-i', images.busyboxDocker], root)).code).toBe(0);
    expect((await gc(['tag', 'localhost/gc-e2e-busybox:1', 'mybb'], root)).code).toBe(0);
    const id = (await gc(['images', '-q', 'mybb'], root)).stdout.trim();
    const r = await gc(['rmi', id], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gocontainer: image ${id} has several names (localhost/gc-e2e-busybox:1, mybb:latest): remove them by name, or force\n`,
    );
  });

  it('image prune -a -f reclaims at once what a killed load left (its partial download and stored blobs)', async () => {
    const root = mkdtempSync(join(work, 'killed-'));
    const archive = readFileSync(images.busyboxOci);
    const load = spawn(process.execPath, [GOCONTAINER, '--data-root', root, 'load'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const done = finish(load, 60_000);
    // All but the archive's end: the load stores what it has read and waits for the rest.
    load.stdin?.write(archive.subarray(0, archive.length - 64 * 1024));
    const ingest = join(root, 'ingest');
    const blobs = join(root, 'blobs', 'sha256');
    const stored = () => {
      try {
        return readdirSync(ingest).length + readdirSync(blobs).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; stored() < 2; i++) {
      if (i > 400) throw new Error('the load stored nothing');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    load.kill('SIGKILL');
    await done;
    const left = readdirSync(ingest).length + readdirSync(blobs).length;
    expect(left).toBeGreaterThan(0);
    const r = await gc(['image', 'prune', '-a', '-f'], root);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toBe('Total reclaimed space: 0B\n');
    expect(r.stdout).toMatch(/^Total reclaimed space: \d+(\.\d+)?[kM]?B\n$/);
    expect(readdirSync(ingest)).toEqual([]);
    expect(readdirSync(blobs)).toEqual([]);
  });

  it('import makes an image from a root filesystem tarball and prints its ID', async () => {
    const r = await gc(['import', images.rootfsTar, 'imported:1', '--change', 'CMD ["/bin/echo", "imported"]']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await gc(['images', '-q', '--no-trunc', 'imported:1'])).stdout).toBe(r.stdout);
    expect((await gocontainer(['--data-root', dataRoot, 'run', 'imported:1'])).stdout).toBe('imported\n');
  });

  it('names the argument in usage errors', async () => {
    expect(await gc(['tag', 'only-one'])).toMatchObject({
      code: 125,
      stderr: 'gocontainer: tag: expected exactly 2 arguments (SOURCE_IMAGE TARGET_IMAGE), got 1\n',
    });
    expect((await gc(['tag', 'localhost/gc-e2e-busybox:1', 'Bad Name'])).stderr).toMatch(
      /^gocontainer: TARGET_IMAGE: "Bad Name" is not a valid image name/,
    );
    expect((await gc(['rmi'])).stderr).toBe(
      'gocontainer: rmi: expected at least 1 argument (IMAGE [IMAGE...]), got 0\n',
    );
    expect((await gc(['images', '--format', 'yaml'])).stderr).toBe(
      'gocontainer: images: --format: expected table or json, got "yaml"\n',
    );
    expect((await gc(['load', '-i', join(work, 'nope.tar')])).stderr).toMatch(/--input: ".*nope.tar" does not exist/);
    expect((await gc(['image', 'frobnicate'])).stderr).toMatch(
      /^gocontainer: image: "frobnicate" is not an image command/,
    );
  });

  it('image prune -f removes dangling images and says what it reclaimed', async () => {
    const imported = (await gc(['import', images.rootfsTar])).stdout.trim();
    const r = await gc(['image', 'prune', '-f']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      new RegExp(`^Deleted Images:\\ndeleted: ${imported}\\n(deleted: .*\\n)*\\nTotal reclaimed space: .*B\\n$`),
    );
    expect((await gc(['image', 'prune', '-f'])).stdout).toBe('Total reclaimed space: 0B\n');
  });

  describe('pull from a local registry', () => {
    let registry: LocalRegistry;
    beforeAll(async () => {
      registry = await startLocalRegistry();
      registry.push(`oci:${images.ociLayout}:busybox`, 'test/busybox:1');
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("pulls with Docker's lines (no control characters off a terminal), then runs it", async () => {
      const root = join(work, 'pulled');
      mkdirSync(root);
      const name = `${registry.host}/test/busybox:1`;
      const r = await gc(['pull', name], root);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('1: Pulling from test/busybox');
      expect(lines).toContain(lines.find((l) => /^[0-9a-f]{12}: Pull complete$/.test(l)));
      expect(lines.at(-3)).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
      expect(lines.at(-2)).toBe(`Status: Downloaded newer image for ${name}`);
      expect(lines.at(-1)).toBe(name);
      expect(r.stdout.includes('\u001b')).toBe(false);
      expect((await gc(['pull', '-q', name], root)).stdout).toBe(`${name}\n`);
      const run = await gocontainer(['--data-root', root, 'run', '--pull', 'never', name, 'echo', 'pulled']);
      expect(run.stdout).toBe('pulled\n');
      // run pulls what is missing, its lines on stderr.
      const fresh = join(work, 'fresh');
      const ran = await gocontainer(['--data-root', fresh, 'run', name, 'echo', 'ran']);
      expect(ran.stdout).toBe('ran\n');
      expect(ran.stderr).toMatch(
        new RegExp(`^Unable to find image '${name}' locally\\n1: Pulling from test/busybox\\n`),
      );
    });

    it('keeps from image prune an image pulled by digest (no tag, a repo digest), as Docker', async () => {
      const tagged = await gc(['pull', `${registry.host}/test/busybox:1`], join(work, 'to-learn-digest'));
      const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(tagged.stdout)?.[1];
      expect(digest).toBeDefined();
      const root = join(work, 'by-digest');
      const pulled = await gc(['pull', `${registry.host}/test/busybox@${digest}`], root);
      expect(pulled).toMatchObject({ code: 0, stderr: '' });
      const id = (await gc(['images', '-q'], root)).stdout;
      expect(id).toMatch(/^[0-9a-f]{12}\n$/);
      expect((await gc(['image', 'prune', '-f'], root)).stdout).toBe('Total reclaimed space: 0B\n');
      expect((await gc(['images', '-q'], root)).stdout).toBe(id);
      // Unpacked as it downloaded: its size is the uncompressed one, as loaded from a docker save archive.
      const loaded = join(work, 'loaded-to-compare');
      await gc(['load', '-i', images.busyboxDocker], loaded);
      const size = async (r: string) => JSON.parse((await gc(['inspect', id.trim()], r)).stdout)[0].Size;
      expect(await size(root)).toBe(await size(loaded));
    });

    it('says only the error for a tag the registry does not have, as Docker', async () => {
      const root = join(work, 'missing-tag');
      mkdirSync(root);
      const r = await gc(['pull', `${registry.host}/test/busybox:nope`], root);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('nope');
      expect(r.stderr).not.toContain('Pulling from');
    });
  });
});
