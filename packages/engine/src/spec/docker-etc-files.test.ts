import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerHosts, dockerResolvConf, writeDockerEtcFiles } from './docker-etc-files.js';

describe('dockerHosts', () => {
  it("writes Docker's lines, then the hostname on 127.0.0.1 (no network)", () => {
    expect(dockerHosts('web-1', 'none', { hosts: '10.0.0.1 host\n' })).toBe(
      [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'ff00::0\tip6-mcastprefix',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        '127.0.0.1\tweb-1',
        '',
      ].join('\n'),
    );
  });

  it("with the host's network: the host's file, plus the name when it lacks it", () => {
    expect(dockerHosts('vm', 'host', { hosts: '127.0.0.1 localhost\n127.0.0.1 vm # me\n' })).toBe(
      '127.0.0.1 localhost\n127.0.0.1 vm # me\n',
    );
    expect(dockerHosts('web-1', 'host', { hosts: '127.0.0.1 localhost' })).toBe(
      '127.0.0.1 localhost\n127.0.0.1\tweb-1\n',
    );
  });
});

describe('dockerResolvConf', () => {
  it('keeps the host resolvers that are not on its loopback, with search and options', () => {
    const host = 'search example.com\nnameserver 127.0.0.53\nnameserver 10.1.2.3\nnameserver ::1\noptions ndots:2\n';
    expect(dockerResolvConf('none', { resolvConf: host })).toBe(
      'search example.com\nnameserver 10.1.2.3\noptions ndots:2\n',
    );
  });

  it("falls back to systemd-resolved's upstream list, then to Docker's public resolvers", () => {
    const stub = '# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n';
    expect(dockerResolvConf('none', { resolvConf: stub, systemdResolvConf: 'nameserver 192.168.1.1\n' })).toBe(
      'nameserver 192.168.1.1\n',
    );
    expect(dockerResolvConf('none', { resolvConf: stub, systemdResolvConf: 'nameserver 127.0.0.1\n' })).toBe(
      [
        '# stub',
        'options edns0 trust-ad',
        'search lan',
        'nameserver 8.8.8.8',
        'nameserver 8.8.4.4',
        'nameserver 2001:4860:4860::8888',
        'nameserver 2001:4860:4860::8844',
        '',
      ].join('\n'),
    );
    expect(dockerResolvConf('none', { resolvConf: '' })).toContain('nameserver 8.8.8.8\n');
  });

  it("with the host's network: the host's file as it is", () => {
    expect(dockerResolvConf('host', { resolvConf: 'nameserver 127.0.0.53\n' })).toBe('nameserver 127.0.0.53\n');
  });
});

describe('writeDockerEtcFiles', () => {
  const host = { hosts: '', resolvConf: 'nameserver 10.0.0.2\n' };

  it('writes the three files into the directory and binds them as Docker does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-etc-'));
    try {
      const mounts = writeDockerEtcFiles(dir, { hostname: 'c1', network: 'none', readonly: false, host });
      expect(readdirSync(dir).sort()).toEqual(['hostname', 'hosts', 'resolv.conf']);
      expect(readFileSync(join(dir, 'hostname'), 'utf8')).toBe('c1\n');
      expect(readFileSync(join(dir, 'resolv.conf'), 'utf8')).toBe('nameserver 10.0.0.2\n');
      expect(statSync(join(dir, 'hosts')).mode & 0o777).toBe(0o644);
      expect(mounts).toEqual([
        { destination: '/etc/hosts', type: 'bind', source: join(dir, 'hosts'), options: ['rbind', 'rprivate'] },
        { destination: '/etc/hostname', type: 'bind', source: join(dir, 'hostname'), options: ['rbind', 'rprivate'] },
        {
          destination: '/etc/resolv.conf',
          type: 'bind',
          source: join(dir, 'resolv.conf'),
          options: ['rbind', 'rprivate'],
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("binds them read-only with a read-only root, and leaves the user's own mounts alone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-etc-'));
    try {
      const mounts = writeDockerEtcFiles(dir, {
        hostname: 'c1',
        network: 'none',
        readonly: true,
        mountedByUser: ['/etc/resolv.conf'],
        host,
      });
      expect(mounts.map((m) => [m.destination, m.options])).toEqual([
        ['/etc/hosts', ['rbind', 'rprivate', 'ro']],
        ['/etc/hostname', ['rbind', 'rprivate', 'ro']],
      ]);
      expect(readdirSync(dir).sort()).toEqual(['hostname', 'hosts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
