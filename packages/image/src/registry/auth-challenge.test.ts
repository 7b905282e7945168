import { describe, expect, it } from 'vitest';
import { parseChallenges } from './auth-challenge.js';

describe('parseChallenges', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull',
        },
      },
    ]);
  });

  it('reads several challenges, unquoted values, escapes and spaces', () => {
    expect(parseChallenges('Basic realm="a \\"b\\"" , Bearer realm=https://x/t, error="insufficient_scope"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', error: 'insufficient_scope' } },
    ]);
  });

  it('answers nothing for an empty header', () => {
    expect(parseChallenges('')).toEqual([]);
  });
});
