// docker load and docker save against a private dockerd (its own data root,
// sockets and containerd under a temp dir, no bridge, no iptables), stopped
// by pid afterwards. dockerd makes /run/docker/plugins whatever it is told:
// removed afterwards unless it was there.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArchive } from './load-archive.js';
import { saveImages } from './save-images.js';
import { loadTestImages } from './test-images.js';
import { createTestStore } from './test-store.js';

const images = await loadTestImages();
let dir: string;
let daemon: ChildProcess | undefined;
const ownPaths = ['/run/docker'].filter((path) => !existsSync(path));

function docker(...args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: `unix://${join(dir, 'docker.sock')}`, DOCKER_CONFIG: join(dir, 'client') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gc-archive-dockerd-'));
  // In the config file: dockerd has no flag for where its key goes (else /etc/docker).
  const config = {
    'data-root': join(dir, 'data'),
    'exec-root': join(dir, 'exec'),
    pidfile: join(dir, 'dockerd.pid'),
    hosts: [`unix://${join(dir, 'docker.sock')}`],
    'deprecated-key-path': join(dir, 'key.json'),
    'storage-driver': 'vfs',
    bridge: 'none',
    iptables: false,
    ip6tables: false,
    'ip-forward': false,
    'ip-masq': false,
  };
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify(config));
  daemon = spawn('dockerd', ['--config-file', join(dir, 'daemon.json')], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      docker('version');
      break;
    } catch (error) {
      if (i >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}, 60_000);

afterAll(async () => {
  if (daemon?.pid !== undefined && daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon?.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  for (const path of ownPaths) rmSync(path, { recursive: true, force: true });
}, 60_000);

describe('docker', { timeout: 60_000 }, () => {
  it('docker load reads what saveImages writes in the docker format, with the same IDs', async () => {
    const store = createTestStore(join(dir, 'store'));
    // A gzip layer (from the OCI archive) and a plain one (from the docker one).
    const [busybox] = await loadArchive(store, images.busyboxOci);
    const [pause] = await loadArchive(store, images.pauseDocker);
    if (busybox === undefined || pause === undefined) throw new Error('nothing loaded');
    const archive = join(dir, 'saved.tar');
    await saveImages(store, [busybox.image, pause.image], archive, { format: 'docker' });
    const out = docker('load', '-i', archive);
    expect(out).toContain('Loaded image: localhost/gc-e2e-busybox:1');
    expect(out).toContain('Loaded image: localhost/gc-e2e-pause:1');
    expect(
      docker('image', 'inspect', '--format', '{{.Id}} {{json .Config.Cmd}}', 'localhost/gc-e2e-busybox:1').trim(),
    ).toBe(`${busybox.image.id} ["/bin/sh"]`);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', 'localhost/gc-e2e-pause:1').trim()).toBe(pause.image.id);
  });

  it('loadArchive reads what docker save writes, with the same IDs', async () => {
    const store = createTestStore(join(dir, 'store-back'));
    const [busybox] = await loadArchive(store, images.busyboxDocker);
    docker('load', '-i', images.busyboxDocker);
    docker('tag', 'localhost/gc-e2e-busybox:1', 'busybox:again');
    const archive = join(dir, 'docker-saved.tar');
    docker('save', '-o', archive, 'localhost/gc-e2e-busybox:1', 'busybox:again');
    expect(existsSync(archive)).toBe(true);
    const loaded = await loadArchive(createTestStore(join(dir, 'store-from-docker')), archive);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]?.image.id).toBe(busybox?.image.id);
    expect(loaded[0]?.names.sort()).toEqual(['docker.io/library/busybox:again', 'localhost/gc-e2e-busybox:1']);
    expect(loaded[0]?.image.config.config?.Cmd).toEqual(['/bin/sh']);
  });
});
