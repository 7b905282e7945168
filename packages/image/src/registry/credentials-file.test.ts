import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultCredentialFiles,
  normalizeRegistry,
  readCredentials,
  removeCredentials,
  saveCredentials,
} from './credentials-file.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('credential files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gc-creds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("looks in gocontainer's file, then Docker's", () => {
    expect(defaultCredentialFiles({ HOME: '/home/u' })).toEqual([
      '/home/u/.config/gocontainer/auth.json',
      '/home/u/.docker/config.json',
    ]);
    expect(defaultCredentialFiles({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg', DOCKER_CONFIG: '/dk' })).toEqual([
      '/cfg/gocontainer/auth.json',
      '/dk/config.json',
    ]);
  });

  it("reads Docker's file: Docker Hub under its v1 index URL, other registries by host, first file winning", () => {
    const docker = join(dir, 'config.json');
    writeFileSync(
      docker,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hub:pw:with:colons') },
          'https://ghcr.io': { auth: b64('gh:token') },
          'localhost:5000': { auth: b64('me:x') },
        },
        credsStore: 'desktop',
      }),
    );
    const ours = join(dir, 'auth.json');
    writeFileSync(ours, JSON.stringify({ auths: { 'localhost:5000': { auth: b64('first:wins') } } }));
    const files = [join(dir, 'missing.json'), ours, docker];
    expect(readCredentials(files, 'docker.io')).toEqual({ username: 'hub', password: 'pw:with:colons' });
    expect(readCredentials(files, 'ghcr.io')).toEqual({ username: 'gh', password: 'token' });
    expect(readCredentials(files, 'localhost:5000')).toEqual({ username: 'first', password: 'wins' });
    expect(readCredentials(files, 'quay.io')).toBeUndefined();
  });

  it('says which file and entry are malformed', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"auths": ');
    expect(() => readCredentials([file], 'x.io')).toThrow(
      expect.objectContaining({
        code: 'EIMAGE_CREDENTIALS',
        message: expect.stringContaining(`credentials file ${file}: not JSON`),
      }),
    );
    writeFileSync(file, JSON.stringify({ auths: { 'x.io': { auth: b64('nocolon') } } }));
    expect(() => readCredentials([file], 'x.io')).toThrow(
      `credentials file ${file}: auths["x.io"].auth is not base64 of "user:password"`,
    );
  });

  it("saves atomically with mode 0600, keeping other entries, under Docker's key for Docker Hub; logout removes every alias", () => {
    const file = join(dir, 'gocontainer', 'auth.json');
    saveCredentials(file, 'localhost:5000', { username: 'a', password: 'b' });
    writeFileSync(
      file,
      JSON.stringify({
        ...JSON.parse(readFileSync(file, 'utf8')),
        auths: { ...JSON.parse(readFileSync(file, 'utf8')).auths, 'docker.io': { auth: b64('old:old') } },
        other: 1,
      }),
    );
    saveCredentials(file, 'index.docker.io', { username: 'hub', password: 'new' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'gocontainer')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      auths: { 'localhost:5000': { auth: b64('a:b') }, 'https://index.docker.io/v1/': { auth: b64('hub:new') } },
      other: 1,
    });
    expect(readdirSync(join(dir, 'gocontainer'))).toEqual(['auth.json']);
    expect(readCredentials([file], 'docker.io')).toEqual({ username: 'hub', password: 'new' });

    expect(removeCredentials(file, 'registry-1.docker.io')).toBe(true);
    expect(removeCredentials(file, 'docker.io')).toBe(false);
    expect(removeCredentials(join(dir, 'none.json'), 'docker.io')).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).auths).toEqual({ 'localhost:5000': { auth: b64('a:b') } });
  });

  it('refuses a user name that cannot be stored, writing nothing', () => {
    const file = join(dir, 'auth.json');
    expect(() => saveCredentials(file, 'x.io', { username: 'a:b', password: 'c' })).toThrow(
      /username: expected a non-empty name without ":"/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('normalises registry names as login takes them', () => {
    expect(normalizeRegistry('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeRegistry('http://localhost:5000/v2/')).toBe('localhost:5000');
    expect(normalizeRegistry('ghcr.io')).toBe('ghcr.io');
  });
});
