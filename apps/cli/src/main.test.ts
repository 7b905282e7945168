import { readFileSync, writeFileSync } from 'node:fs';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from './test-support/gocontainer.js';

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

  it.skipIf(!canRunIntegration())('resolves packages again when a kept resolution is gone or unreadable', async () => {
    const kept = `${GOCONTAINER.replace(/bin\/gocontainer\.cjs$/, 'dist/main.cjs')}.resolved.json`;
    const root = createBusyboxRoot();
    try {
      for (const junk of ['{"koffi":"/nonexistent/koffi/index.cjs","@gc/native":7}', 'not json']) {
        writeFileSync(kept, junk);
        // run loads koffi (--version does not).
        const r = await gocontainer(['run', '--rootfs', root.path, '/bin/true']);
        expect(r.code).toBe(0);
        const names = JSON.parse(readFileSync(kept, 'utf8')) as Record<string, string>;
        expect(names.koffi).toMatch(/\/koffi\/index\.cjs$/);
        expect(readFileSync(names.koffi as string, 'utf8').length).toBeGreaterThan(0);
        expect(names['@gc/native']).toMatch(/index\.cjs$/);
      }
    } finally {
      root.remove();
    }
  });

  it('an unknown command is a usage error naming it (125)', async () => {
    const r = await gocontainer(['frobnicate']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('"frobnicate" is not a gocontainer command');
  });
});
