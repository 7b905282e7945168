import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from './__fixtures__/self-signed.js';
import { createRegistryTransport } from './registry-transport.js';
import { speaksTls } from './tls-probe.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe('speaksTls, the probe before a loopback registry is tried over https', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gc-tls-probe-'));
  const plain = createHttpServer((_req, res) => res.end('{}'));
  let tls: Server;
  let plainAt = '';
  let tlsAt = '';
  let closedAt = '';

  beforeAll(async () => {
    const { keyFile, certFile } = selfSigned(dir, 'gc-test-registry');
    tls = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (_req, res) => res.end('{}'));
    plainAt = await listen(plain);
    tlsAt = await listen(tls);
    const closed = createHttpServer();
    closedAt = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => plain.close(resolve));
    await new Promise((resolve) => tls.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says no for a plain-http server, yes for a TLS one, unknown for a closed port', async () => {
    expect(await speaksTls(plainAt)).toBe('no');
    expect(await speaksTls(tlsAt)).toBe('yes');
    expect(await speaksTls(closedAt)).toBe('unknown');
  });

  it('takes a plain-http loopback registry over http', async () => {
    const transport = createRegistryTransport(plainAt);
    const response = await transport.send('/v2/', { headers: {} });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{}');
    expect(transport.urlOf('/v2/')).toBe(`http://${plainAt}/v2/`);
  });

  it('still verifies a TLS loopback registry: a self-signed certificate is refused, not downgraded', async () => {
    const transport = createRegistryTransport(tlsAt);
    await expect(transport.send('/v2/', { headers: {} })).rejects.toThrow(/https: .*self-signed certificate/);
  });

  it('takes a TLS registry listed as insecure over https, unverified', async () => {
    const transport = createRegistryTransport(tlsAt, { insecureRegistries: [tlsAt] });
    const response = await transport.send('/v2/', { headers: {} });
    expect(await response.text()).toBe('{}');
    expect(transport.urlOf('/v2/')).toBe(`https://${tlsAt}/v2/`);
  });
});
