import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_ROOT } from './run-dir.js';
import { DATA_ROOT, gocontainerStatePaths } from './state-paths.js';

describe('gocontainerStatePaths', () => {
  it('names the run directory, the data root and any extra state directory, by their real paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-state-'));
    try {
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const [run, data, extra] = gocontainerStatePaths([join(dir, 'link/state/c1')]);
      expect(run).toBe(RUN_ROOT);
      expect(data).toBe(DATA_ROOT);
      // A dangling link still leads where the container would be led: its target.
      expect(extra).toBe(join(realpathSync(dir), 'real/state/c1'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
