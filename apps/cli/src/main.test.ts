import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gocontainer } from './test-support/gocontainer.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('gocontainer (the built binary)', () => {
  it('--version, -v and version print the package version', async () => {
    for (const arg of ['--version', '-v', 'version']) {
      const r = await gocontainer([arg]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`gocontainer version ${version}\nnode: ${process.version}\n`);
    }
  });

  it('an unknown command is a usage error naming it (125)', async () => {
    const r = await gocontainer(['frobnicate']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('"frobnicate" is not a gocontainer command');
  });
});
