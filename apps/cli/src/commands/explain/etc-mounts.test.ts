import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EtcFilesOptions, writeDockerEtcFiles } from '@gc/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { etcFileMounts } from './etc-mounts.js';

const host = { hosts: '127.0.0.1 localhost\n', resolvConf: 'nameserver 10.0.0.1\n', systemdResolvConf: undefined };
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('etcFileMounts', () => {
  it.each<[string, Omit<EtcFilesOptions, 'host'>]>([
    ['the three files', { hostname: 'box', network: 'none', readonly: false }],
    ['read-only', { hostname: 'box', network: 'host', readonly: true }],
    ['one mounted by the user', { hostname: 'box', network: 'none', readonly: false, mountedByUser: ['/etc/hosts'] }],
  ])('gives the mounts writeDockerEtcFiles gives, writing nothing: %s', (_, options) => {
    dir = mkdtempSync(join(tmpdir(), 'gc-etc-mounts-'));
    const planned = etcFileMounts(dir, options);
    expect(readdirSync(dir)).toEqual([]);
    expect(planned).toEqual(writeDockerEtcFiles(dir, { ...options, host }));
  });
});
