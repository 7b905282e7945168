import { describe, expect, it } from 'vitest';
import { keptRun } from './kept-run.js';

describe('which foreground runs are kept as engine containers', () => {
  it('keeps a run given a name, a restart policy, log options or detach keys', () => {
    expect(keptRun({ name: 'web' }, false)).toBe(true);
    expect(keptRun({ restart: 'always' }, true)).toBe(true);
    expect(keptRun({ logOpt: ['max-size=1m'] }, false)).toBe(true);
    expect(keptRun({ detachKeys: 'ctrl-x' }, true)).toBe(true);
    expect(keptRun({ logOpt: [] }, true)).toBe(false);
    // --sig-proxy=false: our signals end us, and the container outlives us.
    expect(keptRun({ sigProxy: false }, false)).toBe(true);
    expect(keptRun({ sigProxy: true }, false)).toBe(false);
    expect(keptRun({ rm: true, env: [], interactive: true }, true)).toBe(false);
  });

  it('keeps an image run with -i and -t (so that Ctrl-P Ctrl-Q detaches), not one of a root filesystem', () => {
    expect(keptRun({ interactive: true, tty: true }, true)).toBe(true);
    expect(keptRun({ interactive: true, tty: true, rm: true }, true)).toBe(true);
    expect(keptRun({ interactive: true, tty: true }, false)).toBe(false);
    expect(keptRun({ tty: true }, true)).toBe(false);
  });
});
