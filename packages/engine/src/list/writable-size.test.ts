import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContainerStore } from '../store/container-store.js';
import { writableLayerSize } from './writable-size.js';

describe('writableLayerSize', () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'gc-size-'));
  afterEach(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('sums what is not a directory in the upper layer, a hard-linked file once; 0 without one', () => {
    const store = createContainerStore({ dataRoot });
    const id = 'a'.repeat(64);
    expect(writableLayerSize(store, id)).toBe(0);
    const upper = join(store.dir(id), 'upper');
    mkdirSync(join(upper, 'etc', 'deep'), { recursive: true });
    writeFileSync(join(upper, 'etc', 'deep', 'f'), Buffer.alloc(1000));
    writeFileSync(join(upper, 'g'), Buffer.alloc(234));
    linkSync(join(upper, 'g'), join(upper, 'g-again'));
    symlinkSync('/etc/deep/f', join(upper, 'link'));
    expect(writableLayerSize(store, id)).toBe(1000 + 234 + '/etc/deep/f'.length);
  });
});
