import { describe, expect, it } from 'vitest';
import { keptRun } from './kept-run.js';

describe('which foreground runs are kept as engine containers', () => {
  it('keeps a run given a name, a restart policy, log options or detach keys, no other', () => {
    expect(keptRun({ name: 'web' })).toBe(true);
    expect(keptRun({ restart: 'always' })).toBe(true);
    expect(keptRun({ logOpt: ['max-size=1m'] })).toBe(true);
    expect(keptRun({ detachKeys: 'ctrl-x' })).toBe(true);
    expect(keptRun({ logOpt: [] })).toBe(false);
    expect(keptRun({ rm: true, env: [], interactive: true, tty: true })).toBe(false);
  });
});
