import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { finish, GOCONTAINER, gocontainer, hostMounts, type Ran, start } from '../../test-support/gocontainer.js';
import { loadTestImages, type TestImages } from '../../test-support/test-images.js';
import { hasTmux, openTmux } from '../../test-support/tmux.js';

/** A busybox image whose second and third layers delete a file of the second and make a directory opaque. */
function buildLayeredArchive(images: TestImages, work: string): string {
  const layout = join(work, 'oci');
  cpSync(images.ociLayout, layout, { recursive: true });
  const tarOf = (name: string, files: Record<string, string>) => {
    const dir = join(work, name);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    execFileSync('tar', ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-cf', `${dir}.tar`, '.']);
    return `${dir}.tar`;
  };
  const second = tarOf('second', { 'data/keep': 'keep\n', 'data/old': 'old\n', victim: 'victim\n' });
  // As a layer tar writes deletions: `.wh.NAME` removes NAME below, `.wh..wh..opq` hides the directory's lower children.
  const third = tarOf('third', { '.wh.victim': '', 'data/.wh..wh..opq': '', 'data/new': 'new\n' });
  execFileSync('umoci', ['raw', 'add-layer', '--image', `${layout}:busybox`, '--tag', 'layered', second]);
  execFileSync('umoci', ['raw', 'add-layer', '--image', `${layout}:layered`, '--tag', 'layered', third]);
  const policy = join(work, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  const archive = join(work, 'layered.tar');
  execFileSync('skopeo', [
    '--policy',
    policy,
    '--tmpdir',
    work,
    'copy',
    '--quiet',
    `oci:${layout}:layered`,
    `docker-archive:${archive}:localhost/layered:1`,
  ]);
  return archive;
}

// skopeo as root writes a blob-info cache under /var/lib/containers: removed when this file's tests made it.
const SKOPEO_CACHE = '/var/lib/containers/cache/blob-info-cache-v1.boltdb';

describe.skipIf(!canRunIntegration())('gocontainer run IMAGE (integration, root)', { timeout: 120_000 }, () => {
  const cacheExisted = existsSync(SKOPEO_CACHE);
  let work: string;
  let dataRoot: string;
  let runRoot: string;
  let mountsBefore: string[];
  const gc = (args: string[], input?: string): Promise<Ran> =>
    gocontainer(['--root', runRoot, '--data-root', dataRoot, ...args], {
      timeoutMs: 60_000,
      ...(input ? { input } : {}),
    });
  const holds = () => readdirSync(join(dataRoot, 'containers'));
  const waitForHold = async () => {
    for (let i = 0; holds().length === 0; i++) {
      if (i > 200) throw new Error('the container never held its image');
      await sleep(50);
    }
  };

  beforeAll(async () => {
    const images = await loadTestImages();
    work = mkdtempSync(join(tmpdir(), 'gc-run-image-'));
    dataRoot = join(work, 'data');
    runRoot = join(work, 'run');
    mkdirSync(runRoot, { mode: 0o700 });
    const layered = buildLayeredArchive(images, join(work, 'build'));
    for (const archive of [images.busyboxDocker, layered]) {
      const loaded = await gc(['load', '-i', archive]);
      expect(loaded.stderr).toBe('');
      expect(loaded.code).toBe(0);
    }
    expect((await gc(['tag', 'localhost/gc-e2e-busybox:1', 'busybox'])).code).toBe(0);
    // An image with every run setting, made as `docker import --change` makes one.
    const imported = await gc([
      'import',
      images.rootfsTar,
      'configured:1',
      '--change',
      'ENTRYPOINT ["/bin/echo", "ep"]',
      '--change',
      'CMD ["default"]',
      '--change',
      'WORKDIR /srv/app',
      '--change',
      'USER nobody',
      '--change',
      'ENV GREETING=hello PATH=/bin',
    ]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (!cacheExisted) rmSync(SKOPEO_CACHE, { force: true });
  });

  beforeEach(() => {
    mountsBefore = hostMounts();
  });

  // Whatever the run, nothing is left: no mount, no run directory (with its upper layer), no hold on the image.
  afterEach(async () => {
    expect(hostMounts()).toEqual(mountsBefore);
    expect(readdirSync(runRoot)).toEqual([]);
    expect(holds()).toEqual([]);
  });

  it('an image in the store, its layers unpacked, runs without loading the pull, archive or unpack code', async () => {
    expect((await gc(['run', 'busybox', 'true'])).code).toBe(0);
    // Node's own modules this run loaded, written at exit without process.stderr (whose stream would load more).
    const hook = join(work, 'modules-hook.cjs');
    writeFileSync(
      hook,
      `process.on('exit', () => require('node:fs').writeSync(2, 'modules ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ') + '\\n'));`,
    );
    const r = spawnSync(
      process.execPath,
      ['-r', hook, GOCONTAINER, '--root', runRoot, '--data-root', dataRoot, 'run', 'busybox', 'true'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const loaded = (/^modules (.*)$/m.exec(r.stderr)?.[1] ?? '').split(' ');
    // The bundle's loader's, so the list is this run's.
    expect(loaded).toContain('vm');
    for (const module of ['https', 'tls', 'zlib', 'child_process', 'crypto', 'worker_threads', 'fs/promises']) {
      expect(loaded).not.toContain(module);
    }
  });

  it("runs the image's Cmd when no command is given", async () => {
    const r = await gc(['run', '-i', 'busybox'], 'echo from the default shell; echo $0\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('from the default shell\n/bin/sh\n');
    expect(r.code).toBe(0);
  });

  it('runs a command, with everything after the image handed over untouched', async () => {
    expect((await gc(['run', 'busybox', 'echo', 'hi'])).stdout).toBe('hi\n');
    const r = await gc(['run', 'busybox', 'sh', '-c', 'echo $0 $1', 'a', 'b']);
    expect(r.stdout).toBe('a b\n');
    // Options after the image are the command's: -e and --rm here belong to echo.
    expect((await gc(['run', 'busybox', 'echo', '-e', 'x', '--rm'])).stdout).toBe('x --rm\n');
    const exit = await gc(['run', 'busybox', 'sh', '-c', 'exit 3']);
    expect(exit.code).toBe(3);
  });

  it("applies the image's Env, Entrypoint, Cmd, WorkingDir (made if missing) and User", async () => {
    const r = await gc(['run', 'configured:1']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ep default\n');
    expect((await gc(['run', 'configured:1', 'given'])).stdout).toBe('ep given\n');
    const inside = await gc([
      'run',
      '--entrypoint',
      '/bin/sh',
      'configured:1',
      '-c',
      'pwd; id -u; echo $GREETING $PATH',
    ]);
    expect(inside.stdout).toBe('/srv/app\n65534\nhello /bin\n');
    // busybox's own image: its PATH.
    expect((await gc(['run', 'busybox', 'sh', '-c', 'echo $PATH'])).stdout).toBe('/usr/sbin:/usr/bin:/sbin:/bin\n');
  });

  it('lets -e, -w, -u and --entrypoint override the image', async () => {
    const r = await gc([
      'run',
      '-e',
      'GREETING=bye',
      '-e',
      'EXTRA=1',
      '-w',
      '/made/here',
      '-u',
      'root',
      '--entrypoint',
      '/bin/sh',
      'configured:1',
      '-c',
      'echo $GREETING $EXTRA; pwd; id -u',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bye 1\n/made/here\n0\n');
    // --entrypoint alone drops the image's Cmd too.
    expect((await gc(['run', '--entrypoint', '/bin/echo', 'configured:1'])).stdout).toBe('\n');
    expect((await gc(['run', '-u', '65534:65534', 'busybox', 'id'])).stdout).toBe(
      'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n',
    );
  });

  it('refuses no command, a missing image with --pull never, and a bad --pull, as Docker does', async () => {
    const none = await gc(['run', '--entrypoint', '', 'configured:1']);
    expect(none.code).toBe(125);
    expect(none.stderr).toBe(
      'gocontainer: run: no command specified: the image configured:1 has no Entrypoint nor Cmd (give a COMMAND after the image)\n',
    );
    const missing = await gc(['run', '--pull', 'never', 'nosuch:1', 'true']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toBe(
      'gocontainer: run: no such image: nosuch:1 (--pull never: it is not pulled; pull it or load it first)\n',
    );
    const policy = await gc(['run', '--pull', 'sometimes', 'busybox', 'true']);
    expect(policy.code).toBe(125);
    expect(policy.stderr).toBe(
      'gocontainer: --pull: "sometimes" is not a pull policy (expected missing, always or never)\n',
    );
    const user = await gc(['run', '-u', 'nosuchuser', 'busybox', 'true']);
    expect(user.code).toBe(125);
    expect(user.stderr).toContain('--user: no user "nosuchuser" in /etc/passwd of the container');
  });

  it("shows a layer's deletions as Docker does: a whited-out file is gone, an opaque directory shows only its new children", async () => {
    const r = await gc([
      'run',
      'localhost/layered:1',
      'sh',
      '-c',
      'ls /data; test -e /victim && echo victim; echo end',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('new\nend\n');
  });

  it("keeps a container's writes to itself: the next container sees the image as it was", async () => {
    expect((await gc(['run', 'busybox', 'sh', '-c', 'echo changed > /etc/motd; rm /bin/ls'])).code).toBe(0);
    const r = await gc(['run', 'busybox', 'sh', '-c', 'test -e /etc/motd || echo no-motd; test -e /bin/ls && echo ls']);
    expect(r.stdout).toBe('no-motd\nls\n');
  });

  it('refuses rmi while a container uses the image, and allows it once the container is gone', async () => {
    const images = await loadTestImages();
    const imported = await gc(['import', images.rootfsTar, 'doomed:1']);
    const id = imported.stdout.trim();
    // --init: its PID 1 passes SIGTERM on to sleep, which a PID 1 of its own would ignore.
    const child = start(['--root', runRoot, '--data-root', dataRoot, 'run', '--init', 'doomed:1', 'sleep', '30']);
    try {
      await waitForHold();
      const refused = await gc(['rmi', 'doomed:1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^gocontainer: .*(in use|using).*\n$/);
      expect((await gc(['images', '-q', 'doomed'])).stdout).toBe(`${id.slice(7, 19)}\n`);
    } finally {
      child.kill('SIGTERM');
      await finish(child);
    }
    const removed = await gc(['rmi', 'doomed:1']);
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toBe(`Untagged: doomed:1\nDeleted: ${id}\n`);
    expect(removed.code).toBe(0);
    expect((await gc(['images', '-q', 'doomed'])).stdout).toBe('');
  });

  it("releases the image of a gocontainer killed with SIGKILL at the next run's sweep", async () => {
    const child = start(['--root', runRoot, '--data-root', dataRoot, 'run', 'busybox', 'sleep', '30']);
    try {
      await waitForHold();
    } finally {
      child.kill('SIGKILL');
      await finish(child);
    }
    // Its container dies with it (the parent-death signal); its run directory and hold wait for a sweep.
    expect(holds()).toHaveLength(1);
    // The next run sweeps it while it starts (the afterEach checks that nothing is left).
    expect((await gc(['run', 'busybox', 'true'])).code).toBe(0);
  });

  it.skipIf(!hasTmux)(
    'shows unpack progress on a terminal only for layers it unpacks, none for an image unpacked before',
    async () => {
      expect((await gc(['run', 'busybox', 'true'])).code).toBe(0);
      const pane = openTmux(
        `node ${GOCONTAINER} --root ${runRoot} --data-root ${dataRoot} run -t busybox sh -c 'echo inside'; sleep 30`,
      );
      try {
        await pane.until((screen) => screen.includes('inside'), 'the container output');
        expect(pane.screen()).not.toMatch(/Extract/);
      } finally {
        pane.kill();
      }
    },
  );

  it('lets rmi and image prune -a remove an image whose only container died with its gocontainer (SIGKILL)', async () => {
    const images = await loadTestImages();
    // Each in a store of its own: prune -a would remove this file's other images.
    for (const remove of [
      ['rmi', 'orphan:1'],
      ['image', 'prune', '-a', '-f'],
    ]) {
      const data = mkdtempSync(join(work, 'orphan-'));
      const inStore = (args: string[]) =>
        gocontainer(['--root', runRoot, '--data-root', data, ...args], { timeoutMs: 60_000 });
      const id = (await inStore(['import', images.rootfsTar, 'orphan:1'])).stdout.trim();
      const child = start(['--root', runRoot, '--data-root', data, 'run', 'orphan:1', 'sleep', '30']);
      try {
        for (let i = 0; readdirSync(join(data, 'containers')).length === 0; i++) {
          if (i > 200) throw new Error('the container never held its image');
          await sleep(50);
        }
      } finally {
        child.kill('SIGKILL');
        await finish(child);
      }
      // Its container is gone with it: nothing is left to "remove first", so the dead hold must not refuse.
      const removed = await inStore(remove);
      expect(removed.stderr).toBe('');
      expect(removed.stdout).toContain(id);
      expect(removed.code).toBe(0);
      expect((await inStore(['images', '-q'])).stdout).toBe('');
      expect(readdirSync(join(data, 'containers'))).toEqual([]);
    }
  });

  it("records the hold's owner (boot, process, run directory): a hold of another boot does not keep its image", async () => {
    const images = await loadTestImages();
    const data = mkdtempSync(join(work, 'rebooted-'));
    const inStore = (args: string[]) =>
      gocontainer(['--root', runRoot, '--data-root', data, ...args], { timeoutMs: 60_000 });
    const id = (await inStore(['import', images.rootfsTar, 'booted:1'])).stdout.trim();
    const child = start(['--root', runRoot, '--data-root', data, 'run', 'booted:1', 'sleep', '30']);
    try {
      for (let i = 0; readdirSync(join(data, 'containers')).length === 0; i++) {
        if (i > 200) throw new Error('the container never held its image');
        await sleep(50);
      }
      const [container] = readdirSync(join(data, 'containers')) as [string];
      const path = join(data, 'containers', container);
      const hold = JSON.parse(readFileSync(path, 'utf8'));
      expect(hold.owner).toEqual({
        boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        pid: child.pid,
        start: expect.any(Number),
        runDir: join(runRoot, container),
      });
      // Alive in this boot: refused.
      expect((await inStore(['rmi', 'booted:1'])).stderr).toMatch(/is in use by container/);
      // As the data root finds it after a reboot: its owner's boot is over.
      writeFileSync(path, JSON.stringify({ ...hold, owner: { ...hold.owner, boot: 'a-boot-before' } }));
      const removed = await inStore(['rmi', 'booted:1']);
      expect(removed.stderr).toBe('');
      expect(removed.stdout).toContain(`Deleted: ${id}`);
      expect(readdirSync(join(data, 'containers'))).toEqual([]);
    } finally {
      // sleep as PID 1 ignores SIGTERM: killed, its container goes at the next sweep (prune's).
      child.kill('SIGKILL');
      await finish(child);
      await inStore(['image', 'prune', '-f']);
    }
  });

  it('runs from a data root whose path holds a comma, a colon and a backslash (overlayfs takes them as separators)', async () => {
    const images = await loadTestImages();
    const odd = join(work, 'data,a:b\\c');
    const oddGc = (args: string[]) =>
      gocontainer(['--root', runRoot, '--data-root', odd, ...args], { timeoutMs: 60_000 });
    expect((await oddGc(['load', '-i', images.busyboxDocker])).code).toBe(0);
    const r = await oddGc(['run', 'localhost/gc-e2e-busybox:1', 'echo', 'ok']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok\n');
    expect(r.code).toBe(0);
    expect(readdirSync(join(odd, 'containers'))).toEqual([]);
  });

  it('leaves no upper directory behind: the run root is empty after a run that wrote files', async () => {
    expect((await gc(['run', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1k count=64 2>/dev/null'])).code).toBe(
      0,
    );
    expect(existsSync(runRoot) && readdirSync(runRoot)).toEqual([]);
  });
});
