import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { canRunIntegration } from '@gc/syscall/testing';
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
    const r = await gocontainer([
      'run',
      '/bin/sh',
      '-c',
      'ls -A /run; echo --; ls -A /var/lib; echo --; stat -c %a.%u.%g /run /var/lib',
    ]);
    expect(r.stderr).toBe('');
    const [run = '', varLib = '', modes = ''] = r.stdout.split('--\n');
    const list = (s: string) => s.split('\n').filter(Boolean).sort();
    const hostList = (d: string) =>
      readdirSync(d)
        .filter((n) => n !== 'gocontainer')
        .sort();
    expect(list(run)).toEqual(hostList('/run'));
    expect(list(varLib)).toEqual(hostList('/var/lib'));
    // The directories that hold the hidden names keep the host's mode and owner.
    const meta = (d: string) => {
      const st = statSync(d);
      return `${(st.mode & 0o7777).toString(8)}.${st.uid}.${st.gid}`;
    };
    expect(modes.trim().split('\n')).toEqual([meta('/run'), meta('/var/lib')]);
  });
});
