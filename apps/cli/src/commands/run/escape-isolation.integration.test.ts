import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, gocontainer, start, waitForOutput } from '../../test-support/gocontainer.js';

const RUN_ROOT = '/run/gocontainer';
const DATA_ROOT = '/var/lib/gocontainer';

/**
 * What containers see of each other and of gocontainer: on the default root
 * (an overlay of the host's `/`), no container reaches another's layers, its
 * own upper directory, or any state directory of gocontainer.
 */
describe.skipIf(!canRunIntegration())('containers see nothing of gocontainer (integration, root)', () => {
  // The data root does not exist yet on a fresh host: make one with a marker, so that hiding it is shown.
  let madeDataRoot = false;
  const marker = `${DATA_ROOT}/gc-isolation-marker-${process.pid}`;
  beforeAll(() => {
    if (!existsSync(DATA_ROOT)) {
      mkdirSync(DATA_ROOT, { mode: 0o700 });
      madeDataRoot = true;
    }
    writeFileSync(marker, 'state\n');
  });
  afterAll(() => {
    rmSync(marker, { force: true });
    if (madeDataRoot) rmSync(DATA_ROOT, { recursive: true, force: true });
  });

  it("a container cannot read another running container's writes", async () => {
    const writer = start([
      'run',
      '/bin/sh',
      '-c',
      'trap "exit 0" TERM; echo topsecret > /root/secret-B; echo ready; sleep 30 & wait',
    ]);
    try {
      await waitForOutput(writer, 'ready');
      const reader = await gocontainer([
        'run',
        '/bin/sh',
        '-c',
        'cat /run/gocontainer/*/upper/root/secret-B; ls /run/gocontainer',
      ]);
      expect(reader.stdout).not.toContain('topsecret');
      expect(reader.stdout).toBe('');
      expect(reader.stderr).toMatch(/No such file or directory/);
    } finally {
      writer.kill('SIGTERM');
      await finish(writer);
    }
  });

  it.each([
    ['the run directory', RUN_ROOT, '/run'],
    ['the data root', DATA_ROOT, '/var/lib'],
  ])('%s (%s) is neither visible nor listable inside', async (_name, dir, parent) => {
    const r = await gocontainer([
      'run',
      '/bin/sh',
      '-c',
      `ls -d ${dir}; ls ${dir}; cat ${dir}/*; echo listing; ls -a ${parent}`,
    ]);
    const [before, listing = ''] = r.stdout.split('listing\n');
    expect(before).toBe('');
    expect(listing.split('\n')).not.toContain('gocontainer');
    expect(r.stderr).not.toContain('gc-isolation-marker');
    expect(r.stderr).toMatch(/No such file or directory/);
    expect(r.stderr).not.toMatch(/Too many levels of symbolic links/);
  });

  it("the container's own upper directory is not reachable inside (no ELOOP)", async () => {
    // The run directory is named by the id, whose first 12 characters are the hostname.
    const r = await gocontainer([
      'run',
      '/bin/sh',
      '-c',
      'for d in /run/gocontainer/$(hostname)*; do ls $d/upper; done; echo done',
    ]);
    expect(r.stdout).toBe('done\n');
    expect(r.stderr).not.toMatch(/Too many levels of symbolic links/);
    expect(r.stderr).toMatch(/No such file or directory/);
  });

  it('hides nothing else of the parent directories: /run and /var/lib list as on the host', async () => {
    const listing = (d: string) => readdirSync(d).filter((n) => n !== 'gocontainer');
    const before = { run: listing('/run'), varLib: listing('/var/lib') };
    const r = await gocontainer([
      'run',
      '/bin/sh',
      '-c',
      'ls -A /run; echo --; ls -A /var/lib; echo --; stat -c %a.%u.%g /run /var/lib',
    ]);
    expect(r.stderr).toBe('');
    const [run = '', varLib = '', modes = ''] = r.stdout.split('--\n');
    const inside = { run: run.split('\n').filter(Boolean), varLib: varLib.split('\n').filter(Boolean) };
    const meta = (d: string) => {
      const st = statSync(d);
      return `${(st.mode & 0o7777).toString(8)}.${st.uid}.${st.gid}`;
    };
    const [runMode, varLibMode] = modes.trim().split('\n');
    for (const [key, dir, mode] of [
      ['run', '/run', runMode],
      ['varLib', '/var/lib', varLibMode],
    ] as const) {
      expect(inside[key]).not.toContain('gocontainer');
      // The overlay's lower layer is the root filesystem alone: a directory on another mount shows what is under it.
      if (!onRootFilesystem(dir)) continue;
      // Entries present before and after the run (the host's /run changes while others run) are all there.
      const stable = before[key].filter((n) => listing(dir).includes(n));
      expect(inside[key]).toEqual(expect.arrayContaining(stable));
      expect(stable.length).toBeGreaterThan(0);
      // The directories that hold the hidden names keep the host's mode and owner.
      expect(mode).toBe(meta(dir));
    }
  });
});

/** Is `dir` on the filesystem mounted at `/` (no other mount at or above it)? */
function onRootFilesystem(dir: string): boolean {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4] as string);
  return !points.some((m) => m !== '/' && (dir === m || dir.startsWith(`${m}/`)));
}

/** The host's devtmpfs as mountinfo shows it: its superblock options (the size of the host's RAM-backed /dev). */
function hostDevtmpfs(): string | undefined {
  const line = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => l.split(' - ')[1]?.startsWith('devtmpfs '));
  return line?.split(' - ')[1];
}

/** /etc/hosts, /etc/hostname and /etc/resolv.conf: each container gets its own, as Docker gives them. */
describe.skipIf(!canRunIntegration())('the files every program expects (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  beforeAll(() => {
    root = createBusyboxRoot();
  });
  afterAll(() => root.remove());

  const runDirs = () => (existsSync(RUN_ROOT) ? readdirSync(RUN_ROOT) : []);

  it('a busybox root resolves localhost and its own name: ping -c1 localhost, hostname -f', async () => {
    const before = runDirs();
    const r = await gocontainer([
      'run',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'ping -c1 -W2 localhost >/dev/null && echo ping-ok; hostname -f; cat /etc/hostname',
    ]);
    expect(r.stderr).toBe('');
    const [ping, fqdn, etcHostname] = r.stdout.trim().split('\n');
    expect(ping).toBe('ping-ok');
    expect(fqdn).toMatch(/^[0-9a-f]{12}$/);
    expect(etcHostname).toBe(fqdn);
    expect(r.code).toBe(0);
    // The files lived in the container's run directory, gone with it; the root is untouched.
    expect(runDirs().filter((d) => !before.includes(d))).toEqual([]);
    expect(readdirSync(join(root.path, 'etc')).sort()).toEqual(['group', 'hostname', 'hosts', 'passwd', 'resolv.conf']);
    expect(readFileSync(join(root.path, 'etc/hosts'), 'utf8')).toBe('');
  });

  it("/etc/hosts has Docker's lines and the hostname; resolv.conf names the host's resolvers", async () => {
    const r = await gocontainer([
      'run',
      '--hostname',
      'web-1',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'cat /etc/hosts; echo --; cat /etc/resolv.conf; echo --; cat /etc/hostname; grep -E " /etc/(hosts|hostname|resolv.conf) " /proc/self/mountinfo | wc -l',
    ]);
    expect(r.stderr).toBe('');
    const [hosts = '', resolv = '', rest = ''] = r.stdout.split('--\n');
    expect(hosts.split('\n')).toEqual(
      expect.arrayContaining([
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        '127.0.0.1\tweb-1',
      ]),
    );
    const hostServers = readFileSync('/etc/resolv.conf', 'utf8').match(/^nameserver\s+\S+/gm) ?? [];
    const servers = resolv.match(/^nameserver\s+\S+/gm) ?? [];
    const loopback = (line: string) => /\s(127\.|::1$)/.test(line);
    if (hostServers.some((s) => !loopback(s))) expect(servers).toEqual(hostServers.filter((s) => !loopback(s)));
    else expect(servers).toEqual(['nameserver 8.8.8.8', 'nameserver 8.8.4.4']);
    expect(rest.split('\n')).toEqual(['web-1', '3', '']);
  });

  it("on the default root, /etc/hosts and /etc/hostname are the container's, not the host's", async () => {
    const r = await gocontainer(['run', '/bin/sh', '-c', 'hostname; cat /etc/hostname; cat /etc/hosts']);
    expect(r.stderr).toBe('');
    const [name, etcHostname, ...hosts] = r.stdout.trim().split('\n');
    expect(etcHostname).toBe(name);
    expect(hosts).toContain(`127.0.0.1\t${name}`);
    expect(hosts.join('\n')).not.toBe(readFileSync('/etc/hosts', 'utf8').trim());
    expect(readFileSync('/etc/hostname', 'utf8')).not.toContain(name as string);
  });

  it('with --read-only the files are there and read-only, as Docker makes them', async () => {
    const r = await gocontainer([
      'run',
      '--read-only',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'cat /etc/hostname; ping -c1 -W2 localhost >/dev/null && echo ping-ok; echo x >> /etc/hosts || echo refused',
    ]);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(lines.slice(1)).toEqual(['ping-ok', 'refused']);
    expect(r.stderr).toMatch(/Read-only file system/);
  });

  it("--network host gets the host's resolv.conf as it is", async () => {
    const r = await gocontainer(['run', '--network', 'host', '--rootfs', root.path, '/bin/cat', '/etc/resolv.conf']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync('/etc/resolv.conf', 'utf8'));
  });

  it('a root without /etc gets one, with the three files, made inside the root', async () => {
    const bare = createBusyboxRoot();
    try {
      rmSync(join(bare.path, 'etc'), { recursive: true, force: true });
      const r = await gocontainer(['run', '--hostname', 'bare', '--rootfs', bare.path, '/bin/cat', '/etc/hostname']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('bare\n');
      expect(readdirSync(join(bare.path, 'etc')).sort()).toEqual(['hostname', 'hosts', 'resolv.conf']);
    } finally {
      bare.remove();
    }
  });

  it('a symlinked /etc/hosts in the image cannot lead the file out of the root', async () => {
    const evil = createBusyboxRoot();
    const outside = `/tmp/gc-isolation-outside-${process.pid}`;
    try {
      rmSync(join(evil.path, 'etc'), { recursive: true, force: true });
      mkdirSync(join(evil.path, 'etc'));
      symlinkSync(`../../../../../..${outside}/hosts`, join(evil.path, 'etc/hosts'));
      const r = await gocontainer(['run', '--rootfs', evil.path, '/bin/cat', '/etc/hosts']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('127.0.0.1\tlocalhost');
      expect(existsSync(outside)).toBe(false);
      // The link's target was made inside the root instead.
      expect(existsSync(join(evil.path, outside, 'hosts'))).toBe(true);
    } finally {
      evil.remove();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("no mount shows the host's devtmpfs (the masks bind the container's own /dev/null)", async () => {
    const host = hostDevtmpfs();
    expect(host).toBeDefined();
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/cat', '/proc/self/mountinfo']);
    expect(r.stderr).toBe('');
    const masks = r.stdout.split('\n').filter((l) => / \/proc\/(kcore|keys|timer_list) /.test(l));
    expect(masks.length).toBeGreaterThan(0);
    for (const line of r.stdout.split('\n')) {
      expect(line.split(' - ')[1]).not.toBe(host);
      expect(line).not.toContain(' - devtmpfs ');
    }
  });
});
