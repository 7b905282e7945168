import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import {
  type EngineContainer,
  startEngineContainer,
  tempDataRoot,
} from '../../test-support/started-engine-container.js';

/** `cp` between the host and a running engine container, through the built CLI. */
describe.skipIf(!canRunIntegration())('gocontainer cp', { timeout: 60_000 }, () => {
  let data: ReturnType<typeof tempDataRoot>;
  let web: EngineContainer;
  let host: string;
  /** A file of the host's that a symlink in the container names: cp must never read or write it. */
  let secret: string;
  const cp = (args: string[], input?: string) =>
    gocontainer(['--data-root', data.path, 'cp', ...args], input === undefined ? {} : { input });

  beforeAll(async () => {
    data = tempDataRoot();
    host = mkdtempSync(join(tmpdir(), 'gc-cp-host-'));
    secret = join(host, 'host-secret');
    writeFileSync(secret, 'the host secret\n');
    web = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'web' });
    const r = web.rootfs;
    mkdirSync(join(r, 'srv/app/conf'), { recursive: true });
    writeFileSync(join(r, 'srv/app/conf/app.conf'), 'port=80\n', { mode: 0o640 });
    writeFileSync(join(r, 'srv/app/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    execFileSync('chown', ['-R', '1234:4321', join(r, 'srv/app')]);
    symlinkSync('conf/app.conf', join(r, 'srv/app/current'));
    // Escapes: absolute and climbing symlinks, as an image or a process in it may make them.
    symlinkSync(secret, join(r, 'srv/abs-link'));
    symlinkSync('../../../../../../../..' + secret, join(r, 'srv/up-link'));
    symlinkSync(host, join(r, 'srv/host-dir'));
  });
  afterAll(async () => {
    await web?.remove();
    data?.remove();
    rmSync(host, { recursive: true, force: true });
  });

  it('copies a file out, keeping its mode, owned by the caller without -a', async () => {
    const dest = join(host, 'app.conf');
    const r = await cp(['web:/srv/app/conf/app.conf', dest]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('port=80\n');
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    expect(statSync(dest).uid).toBe(0);
  });

  it('copies a directory out: into a directory under its name, to a new name, SRC/. merged; -a keeps owners', async () => {
    mkdirSync(join(host, 'into'));
    expect((await cp(['web:/srv/app', join(host, 'into')])).code).toBe(0);
    expect(readFileSync(join(host, 'into/app/conf/app.conf'), 'utf8')).toBe('port=80\n');
    expect(readlinkSync(join(host, 'into/app/current'))).toBe('conf/app.conf');
    expect(statSync(join(host, 'into/app/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(host, 'into/app/run.sh')).uid).toBe(0);

    expect((await cp(['web:srv/app', join(host, 'renamed')])).code).toBe(0);
    expect(existsSync(join(host, 'renamed/conf/app.conf'))).toBe(true);

    mkdirSync(join(host, 'merged'));
    expect((await cp(['-a', 'web:/srv/app/.', join(host, 'merged')])).code).toBe(0);
    expect(existsSync(join(host, 'merged/run.sh'))).toBe(true);
    expect(statSync(join(host, 'merged/run.sh')).uid).toBe(1234);
    expect(statSync(join(host, 'merged/conf')).gid).toBe(4321);
  });

  it('copies into the container: a file, a directory; -a keeps owners, else root owns them', async () => {
    writeFileSync(join(host, 'upload.txt'), 'uploaded\n', { mode: 0o600 });
    execFileSync('chown', ['4242:4242', join(host, 'upload.txt')]);
    expect((await cp([join(host, 'upload.txt'), 'web:/tmp/'])).code).toBe(0);
    expect(readFileSync(join(web.rootfs, 'tmp/upload.txt'), 'utf8')).toBe('uploaded\n');
    expect(statSync(join(web.rootfs, 'tmp/upload.txt')).uid).toBe(0);
    expect(statSync(join(web.rootfs, 'tmp/upload.txt')).mode & 0o777).toBe(0o600);
    expect((await cp(['-a', join(host, 'upload.txt'), 'web:/tmp/kept.txt'])).code).toBe(0);
    expect(statSync(join(web.rootfs, 'tmp/kept.txt')).uid).toBe(4242);

    mkdirSync(join(host, 'tree/sub'), { recursive: true });
    writeFileSync(join(host, 'tree/sub/f'), 'f\n');
    expect((await cp([join(host, 'tree'), 'web:/tmp'])).code).toBe(0);
    expect(readFileSync(join(web.rootfs, 'tmp/tree/sub/f'), 'utf8')).toBe('f\n');
    // The process in the container sees it.
    const seen = await gocontainer(['--data-root', data.path, 'exec', 'web', 'cat', '/tmp/tree/sub/f']);
    expect(seen.stdout).toBe('f\n');
  });

  it('refuses a symlink escape: a link to a host path resolves inside the container root', async () => {
    // Reading: /srv/abs-link names a path that does not exist in the container.
    const out = join(host, 'leak');
    const read = await cp(['web:/srv/abs-link/', out]);
    expect(read.code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    const followed = await cp(['-L', 'web:/srv/up-link', out]);
    expect(followed.code).toBe(1);
    expect(followed.stderr).toMatch(/ENOENT/);
    expect(existsSync(out)).toBe(false);
    // Without -L the link is copied as a link, its text unchanged, never its target's contents.
    expect((await cp(['web:/srv/abs-link', out])).code).toBe(0);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readlinkSync(out)).toBe(secret);

    // Writing through a link to a host directory lands in the container's directory of that name.
    mkdirSync(join(web.rootfs, host), { recursive: true });
    writeFileSync(join(host, 'payload'), 'payload\n');
    const write = await cp([join(host, 'payload'), 'web:/srv/host-dir/payload-in']);
    expect(write.stderr).toBe('');
    expect(existsSync(join(host, 'payload-in'))).toBe(false);
    expect(readFileSync(join(web.rootfs, host, 'payload-in'), 'utf8')).toBe('payload\n');
    // So does a path climbing above the root with `..`.
    expect((await cp([join(host, 'payload'), `web:/../../../../..${host}/climbed`])).code).toBe(0);
    expect(existsSync(join(host, 'climbed'))).toBe(false);
    expect(readFileSync(join(web.rootfs, host, 'climbed'), 'utf8')).toBe('payload\n');
    // Onto an absolute link: the link is replaced in the container; the host's file keeps its contents.
    expect((await cp([join(host, 'payload'), 'web:/srv/abs-link'])).code).toBe(0);
    expect(readFileSync(secret, 'utf8')).toBe('the host secret\n');
    expect(lstatSync(join(web.rootfs, 'srv/abs-link')).isFile()).toBe(true);
    // A tar entry through the link to the host directory: inside too.
    mkdirSync(join(host, 'tar-src'));
    writeFileSync(join(host, 'tar-src/via-tar'), 'tar\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', join(host, 'tar-src'), 'via-tar']);
    const streamed = await cp(['-', 'web:/srv/host-dir'], tar.toString('latin1'));
    expect(streamed.stderr).toBe('');
    expect(readFileSync(join(web.rootfs, host, 'via-tar'), 'utf8')).toBe('tar\n');
    expect(existsSync(join(host, 'via-tar'))).toBe(false);
  });

  it('streams a tar with - both ways', async () => {
    const tarFile = join(host, 'app.tar');
    const out = execFileSync(process.execPath, [
      join(__dirname, '../../../bin/gocontainer.cjs'),
      '--data-root',
      data.path,
      'cp',
      'web:/srv/app',
      '-',
    ]);
    writeFileSync(tarFile, out);
    const listing = execFileSync('tar', ['-tvf', tarFile], { encoding: 'utf8' });
    expect(listing).toMatch(/app\/conf\/app\.conf/);
    expect(listing).toMatch(/app\/current -> conf\/app\.conf/);

    const back = await gocontainer(['--data-root', data.path, 'cp', '-', 'web:/tmp'], {
      input: readFileSync(tarFile, 'latin1'),
    });
    expect(back.stderr).toBe('');
    expect(readFileSync(join(web.rootfs, 'tmp/app/conf/app.conf'), 'utf8')).toBe('port=80\n');
  });

  it("refuses what Docker refuses, in Docker's words", async () => {
    expect((await cp(['/a', '/b'])).stderr).toMatch(/must specify at least one container/);
    expect((await cp(['web:/a', 'web:/b'])).stderr).toMatch(/copying between containers is not supported/);
    const dirToFile = await cp(['web:/srv/app', join(host, 'upload.txt')]);
    expect(dirToFile.code).toBe(1);
    expect(dirToFile.stderr).toMatch(/cannot copy a directory to a file/);
    const missing = await cp(['web:/no/such', join(host, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/web:\/no\/such: ENOENT/);
    const other = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'stopped' });
    await other.stop();
    try {
      // A stopped container's root is assembled from its start.json, which this stand-in has none of
      // (the docker-flow tests copy from and into real stopped containers).
      const stopped = await cp(['stopped:/etc/passwd', join(host, 'p')]);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/start\.json is missing: its root is unknown/);
    } finally {
      await other.remove();
    }
  });
});
