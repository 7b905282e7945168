import { describe, expect, it } from 'vitest';
import { detachedOnly } from './detached-only.js';

describe('the flags only run -d has a use for', () => {
  it('names the first one a foreground run was given', () => {
    expect(detachedOnly({ name: 'web' })?.message).toBe(
      '--name: only with -d for now (a foreground run keeps no container to name, restart or log)',
    );
    expect(detachedOnly({ restart: 'always' })?.message).toMatch(/^--restart: only with -d/);
    expect(detachedOnly({ logOpt: ['max-size=1m'] })?.message).toMatch(/^--log-opt: only with -d/);
    expect(detachedOnly({ logOpt: [] })).toBeUndefined();
    expect(detachedOnly({ rm: true, env: [] })).toBeUndefined();
  });
});
