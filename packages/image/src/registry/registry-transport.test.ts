import { describe, expect, it } from 'vitest';
import { isInsecureRegistry, isLoopbackRegistry, registrySchemes } from './registry-transport.js';

describe('registry transport policy', () => {
  it('treats localhost, 127.0.0.0/8 and ::1 as loopback, nothing else', () => {
    for (const r of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']) {
      expect(isLoopbackRegistry(r), r).toBe(true);
    }
    for (const r of [
      'docker.io',
      '10.0.0.1:5000',
      '128.0.0.1',
      'localhost.example.com',
      '127.0.0.1.nip.io',
      '[::2]:5000',
    ]) {
      expect(isLoopbackRegistry(r), r).toBe(false);
    }
  });

  it('uses https only, but for loopback (then http) and insecure registries (unverified https, then http)', () => {
    expect(registrySchemes('ghcr.io')).toEqual([{ scheme: 'https', verify: true }]);
    expect(registrySchemes('10.0.0.1:5000')).toEqual([{ scheme: 'https', verify: true }]);
    expect(registrySchemes('127.0.0.1:5000')).toEqual([
      { scheme: 'https', verify: true },
      { scheme: 'http', verify: false },
    ]);
    expect(registrySchemes('10.0.0.1:5000', ['10.0.0.1:5000'])).toEqual([
      { scheme: 'https', verify: false },
      { scheme: 'http', verify: false },
    ]);
    // The list covers its registry only.
    expect(registrySchemes('10.0.0.2:5000', ['10.0.0.1:5000'])).toEqual([{ scheme: 'https', verify: true }]);
  });

  it('matches an insecure entry without a port to every port of its host', () => {
    expect(isInsecureRegistry('reg.lan:5000', ['reg.lan'])).toBe(true);
    expect(isInsecureRegistry('reg.lan:5000', ['reg.lan:5001'])).toBe(false);
    expect(isInsecureRegistry('reg.lan', ['reg.lan:5000'])).toBe(false);
  });
});
