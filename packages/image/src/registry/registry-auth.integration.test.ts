import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, GcError } from '@gc/syscall';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testImages } from '../../../../scripts/test-images/test-images.js';
import { createImageStore } from '../store/create-image-store.js';
import { startRegistry, type TestRegistry } from './__fixtures__/test-registry.js';
import { startTokenService, type TokenService } from './__fixtures__/token-service.js';
import { login, logout } from './login.js';
import { pullImage } from './pull-image.js';

describe('registry auth: Basic (htpasswd) and Bearer tokens, login and logout', { timeout: 60_000 }, () => {
  let work: string;
  let tokens: TokenService;
  let bearer: TestRegistry;
  let basic: TestRegistry;
  const alice = { username: 'alice', password: 'secret' };

  const kernel = createKernel();
  const store = () => createImageStore({ root: mkdtempSync(join(work, 'store-')), kernel });
  const rejects = (promise: Promise<unknown>, code: string, text: RegExp) =>
    expect(promise).rejects.toSatisfy((e: unknown) => GcError.isInstance(e) && e.code === code && text.test(e.message));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gc-auth-test-'));
    const images = testImages();
    tokens = await startTokenService(work, { alice: 'secret' });
    bearer = await startRegistry({
      auth: {
        token: {
          realm: tokens.realm,
          service: tokens.service,
          issuer: tokens.issuer,
          rootcertbundle: tokens.rootcertbundle,
        },
      },
    });
    await bearer.push(`oci:${images.ociLayout}:busybox`, 'test/busybox:1', { creds: 'alice:secret' });
    const htpasswd = join(work, 'htpasswd');
    execFileSync('htpasswd', ['-B', '-b', '-c', htpasswd, 'alice', 'secret'], { stdio: 'ignore' });
    // The same images, behind Basic auth.
    basic = await startRegistry({ auth: { htpasswd }, storage: bearer.storage });
  });

  afterAll(async () => {
    await basic?.stop();
    await bearer?.stop();
    await tokens?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('Basic: refused without credentials; login checks them before saving (0600); pull uses them; logout forgets them', async () => {
    const image = `${basic.host}/test/busybox:1`;
    await rejects(
      pullImage(store(), image, { unpack: false }),
      'EIMAGE_UNAUTHORIZED',
      /authentication required \(run `gocontainer login 127\.0\.0\.1:\d+`\)/,
    );

    const file = join(work, 'config', 'gocontainer', 'auth.json');
    await rejects(
      login(basic.host, 'alice', 'wrong', { file }),
      'EIMAGE_UNAUTHORIZED',
      /unauthorized: check `gocontainer login`/,
    );
    expect(existsSync(file)).toBe(false);

    expect(await login(basic.host, 'alice', 'secret', { file })).toBe(basic.host);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      auths: { [basic.host]: { auth: Buffer.from('alice:secret').toString('base64') } },
    });
    const pulled = await pullImage(store(), image, { credentialFiles: [file], unpack: false });
    expect(pulled.config.config?.Cmd).toEqual(['/bin/sh']);
    await rejects(
      pullImage(store(), image, { credentials: { username: 'alice', password: 'nope' }, unpack: false }),
      'EIMAGE_UNAUTHORIZED',
      /unauthorized: check `gocontainer login` \(registry 127\.0\.0\.1:\d+ refused the credentials of alice\)/,
    );

    expect(logout(basic.host, file)).toBe(true);
    expect(logout(basic.host, file)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ auths: {} });
    await rejects(
      pullImage(store(), image, { credentialFiles: [file], unpack: false }),
      'EIMAGE_UNAUTHORIZED',
      /authentication required/,
    );
  });

  it("Bearer: a token from the challenge's realm for the pull scope, with a Docker login's credentials, asked once per pull", async () => {
    // Only Docker's file holds the credentials: the gocontainer one does not exist.
    const dockerConfig = join(work, 'docker', 'config.json');
    mkdirSync(join(work, 'docker'));
    writeFileSync(
      dockerConfig,
      JSON.stringify({ auths: { [bearer.host]: { auth: Buffer.from('alice:secret').toString('base64') } } }),
    );
    const files = [join(work, 'none', 'auth.json'), dockerConfig];
    tokens.requests.length = 0;
    const image = await pullImage(store(), `${bearer.host}/test/busybox:1`, { credentialFiles: files, unpack: false });
    expect(image.config.config?.Cmd).toEqual(['/bin/sh']);
    expect(tokens.requests.map((r) => r.query)).toEqual([
      { service: [tokens.service], scope: ['repository:test/busybox:pull'], account: ['alice'] },
    ]);
    expect(tokens.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alice:secret').toString('base64')}`);

    // OAuth's answer: access_token and no expires_in.
    tokens.answer = 'access_token';
    try {
      await pullImage(store(), `${bearer.host}/test/busybox:1`, { credentials: alice, unpack: false });
    } finally {
      tokens.answer = 'token';
    }
  });

  it('Bearer: wrong credentials and anonymous pulls say what failed', async () => {
    await rejects(
      pullImage(store(), `${bearer.host}/test/busybox:1`, {
        credentials: { username: 'alice', password: 'x' },
        unpack: false,
      }),
      'EIMAGE_UNAUTHORIZED',
      /unauthorized: check `gocontainer login` .*the token service http:\/\/127\.0\.0\.1:\d+ answered 401/,
    );
    await rejects(
      pullImage(store(), `${bearer.host}/test/busybox:1`, { unpack: false }),
      'EIMAGE_UNAUTHORIZED',
      /authentication required/,
    );
  });

  it('Bearer: login asks the realm for a token without a scope and checks it against /v2/', async () => {
    const file = join(work, 'bearer-auth.json');
    tokens.requests.length = 0;
    await rejects(login(bearer.host, 'alice', 'bad', { file }), 'EIMAGE_UNAUTHORIZED', /check `gocontainer login`/);
    expect(existsSync(file)).toBe(false);
    await login(bearer.host, 'alice', 'secret', { file });
    expect(tokens.requests.at(-1)?.query).toEqual({ service: [tokens.service], account: ['alice'] });
    await pullImage(store(), `${bearer.host}/test/busybox:1`, { credentialFiles: [file], unpack: false });
  });
});
