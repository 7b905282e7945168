import { GcError } from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import type { RegistryResponse } from './http-get.js';
import { createRegistryAuth } from './registry-auth.js';
import type { RegistryTransport, SendInit } from './registry-transport.js';

/** An answer of `status` with a JSON or empty body and the given headers. */
function answer(status: number, body: string, headers: Record<string, string> = {}): RegistryResponse {
  return {
    status,
    statusText: '',
    ok: status >= 200 && status < 300,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    readBody: async (onChunk) => {
      await onChunk(Buffer.from(body));
    },
    text: async () => body,
    cancel: async () => {},
  };
}

/** A transport to `registry` over `scheme` whose token service answers every request with a token; it records what it was sent. */
function fakeTransport(registry: string, scheme: 'https' | 'http') {
  const sent: { url: string; authorization: string | null }[] = [];
  const transport: RegistryTransport = {
    registry,
    send: () => Promise.reject(new Error('not used')),
    urlOf: (path) => `${scheme}://${registry}${path}`,
    sendUrl: async (url: string, init: SendInit) => {
      sent.push({ url, authorization: init.headers.authorization ?? null });
      return answer(200, JSON.stringify({ token: 't0ken', expires_in: 300 }));
    },
  };
  return { transport, sent };
}

const challenge = (realm: string) =>
  answer(401, '', { 'www-authenticate': `Bearer realm="${realm}",service="registry"` });
const alice = { username: 'alice', password: 'secret' };
const scope = 'repository:library/busybox:pull';

describe('createRegistryAuth', () => {
  it('sends the credentials of an https registry to a Bearer realm only over https (or to loopback)', async () => {
    const { transport, sent } = fakeTransport('registry.example.com', 'https');
    const auth = createRegistryAuth(transport, alice);
    expect(auth.challenged(challenge('http://auth.example.com/token'), scope)).toBe(true);
    const error = await auth.header(scope).catch((e: unknown) => e);
    expect(GcError.isInstance(error) && error.code).toBe('EIMAGE_REGISTRY');
    expect((error as Error).message).toBe(
      'registry registry.example.com: the Bearer challenge\'s realm "http://auth.example.com/token" is plain http: the credentials of alice are sent only over https (or to a loopback token service)',
    );
    expect(sent).toEqual([]);

    // Over https, or to a token service on loopback, or anonymously, the token is asked for.
    for (const realm of ['https://auth.example.com/token', 'http://127.0.0.1:5001/token']) {
      expect(auth.challenged(challenge(realm), scope)).toBe(true);
      expect(await auth.header(scope)).toBe('Bearer t0ken');
    }
    const anonymous = createRegistryAuth(transport, undefined);
    anonymous.challenged(challenge('http://auth.example.com/token'), scope);
    expect(await anonymous.header(scope)).toBe('Bearer t0ken');
    expect(sent.map((s) => [new URL(s.url).origin, s.authorization])).toEqual([
      ['https://auth.example.com', `Basic ${Buffer.from('alice:secret').toString('base64')}`],
      ['http://127.0.0.1:5001', `Basic ${Buffer.from('alice:secret').toString('base64')}`],
      ['http://auth.example.com', null],
    ]);
  });

  it('sends them over http to the realm of a registry the user reaches over plain http already', async () => {
    const { transport, sent } = fakeTransport('registry.lan:5000', 'http');
    const auth = createRegistryAuth(transport, alice);
    auth.challenged(challenge('http://registry.lan:5001/token'), scope);
    expect(await auth.header(scope)).toBe('Bearer t0ken');
    expect(sent).toHaveLength(1);
  });
});
