import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveUser } from './resolve-user.js';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
# a comment
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:100::/home/bob:/bin/sh
broken:x:abc:0::/:/bin/sh
`;

const GROUP = `root:x:0:
wheel:x:10:alice,root
users:x:100:
alice:x:1000:
audio:x:29:bob,alice
staff:x:50:
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function rootWith(files: { passwd?: string; group?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'gc-user-'));
  dirs.push(root);
  mkdirSync(join(root, 'etc'));
  if (files.passwd !== undefined) writeFileSync(join(root, 'etc/passwd'), files.passwd);
  if (files.group !== undefined) writeFileSync(join(root, 'etc/group'), files.group);
  return root;
}

describe('resolveUser', () => {
  const root = () => rootWith({ passwd: PASSWD, group: GROUP });

  it('a name: uid, primary gid and home from passwd; every group listing the user', () => {
    expect(resolveUser(root(), 'alice')).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000, 10, 29],
      name: 'alice',
      home: '/home/alice',
    });
  });

  it('a number is a uid: found in passwd, or taken as it is', () => {
    expect(resolveUser(root(), '1001')).toEqual({
      uid: 1001,
      gid: 100,
      additionalGids: [100, 29],
      name: 'bob',
      home: '/home/bob',
    });
    expect(resolveUser(root(), '4242')).toEqual({ uid: 4242, gid: 0, additionalGids: [0], name: undefined, home: '/' });
  });

  it('an empty spec is root', () => {
    expect(resolveUser(root(), '')).toEqual({ uid: 0, gid: 0, additionalGids: [0, 10], name: 'root', home: '/root' });
  });

  it('user:group: the group decides the gid, and there are no supplementary groups', () => {
    expect(resolveUser(root(), 'alice:staff')).toMatchObject({ uid: 1000, gid: 50, additionalGids: [50] });
    expect(resolveUser(root(), 'alice:777')).toMatchObject({ uid: 1000, gid: 777, additionalGids: [777] });
    expect(resolveUser(root(), '1000:10')).toMatchObject({ uid: 1000, gid: 10, additionalGids: [10] });
  });

  it('--group-add adds groups by name or number after the others, without duplicates', () => {
    expect(resolveUser(root(), 'alice', { groupAdd: ['staff', '4000', 'wheel'] }).additionalGids).toEqual([
      1000, 10, 29, 50, 4000,
    ]);
    expect(() => resolveUser(root(), 'alice', { groupAdd: ['staff', 'nope'] })).toThrow(
      '--group-add[1]: no group "nope" in /etc/group of the container',
    );
  });

  it('names what it could not find', () => {
    expect(() => resolveUser(root(), 'bob2')).toThrow('--user: no user "bob2" in /etc/passwd of the container');
    expect(() => resolveUser(root(), 'alice:nogroup')).toThrow(
      '--user: no group "nogroup" in /etc/group of the container',
    );
    expect(() => resolveUser(root(), '99999999999')).toThrow(
      '--user: uid 99999999999 is out of range (0 to 2147483647)',
    );
    expect(() => resolveUser(root(), '-1')).toThrow('--user: uid -1 is out of range');
    // A line with a non-numeric uid is skipped, not read as root.
    expect(() => resolveUser(root(), 'broken')).toThrow('no user "broken"');
  });

  it('missing files count as empty: numbers still work, names do not', () => {
    const bare = rootWith({});
    expect(resolveUser(bare, '1000:1000')).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000],
      name: undefined,
      home: '/',
    });
    expect(() => resolveUser(bare, 'alice')).toThrow('--user: no user "alice" in /etc/passwd of the container');
  });

  it('a symlinked /etc/passwd pointing outside the root does not read the host file', () => {
    // A "host" passwd the image wants us to read.
    const outside = mkdtempSync(join(tmpdir(), 'gc-host-'));
    dirs.push(outside);
    writeFileSync(join(outside, 'passwd'), 'bob:x:4242:4242::/:/bin/sh\n');
    const absolute = rootWith({ group: GROUP });
    symlinkSync(join(outside, 'passwd'), join(absolute, 'etc/passwd'));
    expect(() => resolveUser(absolute, 'bob')).toThrow('--user: no user "bob" in /etc/passwd of the container');

    const climbing = rootWith({ group: GROUP });
    const up = `${'../'.repeat(20)}${relative('/', join(outside, 'passwd'))}`;
    symlinkSync(up, join(climbing, 'etc/passwd'));
    expect(() => resolveUser(climbing, 'bob')).toThrow('no user "bob"');

    // And a symlink to the host's real /etc/passwd resolves to the container's own (a loop here).
    const hostLink = rootWith({});
    symlinkSync('/etc/passwd', join(hostLink, 'etc/passwd'));
    expect(() => resolveUser(hostLink, 'root')).toThrow(/--user: cannot open \/etc\/passwd of the container: .*ELOOP/);

    // Inside the root, symlinks work as they would in the container.
    const inside = rootWith({ group: GROUP });
    mkdirSync(join(inside, 'usr/share/base'), { recursive: true });
    writeFileSync(join(inside, 'usr/share/base/passwd'), PASSWD);
    symlinkSync('/usr/share/base/passwd', join(inside, 'etc/passwd'));
    expect(resolveUser(inside, 'alice').uid).toBe(1000);
  });

  it('a FIFO as /etc/group does not hang the runtime', () => {
    const r = rootWith({ passwd: PASSWD });
    execFileSync('mkfifo', [join(r, 'etc/group')]);
    expect(resolveUser(r, 'alice').additionalGids).toEqual([1000]);
  });

  it('a missing root is an error naming it', () => {
    expect(() => resolveUser('/nonexistent/root', 'alice')).toThrow(
      "--user: cannot open the container's root /nonexistent/root",
    );
  });

  it('readFile: the files come from it (an image not mounted yet), not from the root path', () => {
    const read: string[] = [];
    const files: Record<string, string> = { '/etc/passwd': PASSWD, '/etc/group': GROUP };
    const readFile = (path: string) => {
      read.push(path);
      return files[path];
    };
    expect(resolveUser('/nonexistent/root', 'bob', { readFile })).toEqual({
      uid: 1001,
      gid: 100,
      additionalGids: [100, 29],
      name: 'bob',
      home: '/home/bob',
    });
    expect(read).toEqual(['/etc/passwd', '/etc/group']);
  });
});
