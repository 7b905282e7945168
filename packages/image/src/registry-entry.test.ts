import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The CommonJS modules (tar-stream and its own are) that importing `entry` (a built file of dist/) loads. */
function commonJsLoadedBy(entry: string): string[] {
  const file = fileURLToPath(new URL(`../dist/${entry}`, import.meta.url));
  const script = `import Module from 'node:module';
    const mod = await import(${JSON.stringify(file)});
    if (typeof mod.pullImage !== 'function' || typeof mod.createImageStore !== 'function') process.exit(3);
    console.log(JSON.stringify(Object.keys(Module._cache)));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe('@gc/image/registry', () => {
  it('gives a program that pulls createImageStore and pullImage without the archive code (no tar-stream)', () => {
    expect(commonJsLoadedBy('registry-entry.js').filter((f) => f.includes('tar-stream'))).toEqual([]);
    // The whole package's entry does load it: the check sees it where it is.
    expect(commonJsLoadedBy('index.js').some((f) => f.includes('tar-stream'))).toBe(true);
  });
});
