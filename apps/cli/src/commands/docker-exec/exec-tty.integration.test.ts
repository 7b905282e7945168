import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from '../../test-support/gocontainer.js';
import {
  type EngineContainer,
  startEngineContainer,
  tempDataRoot,
} from '../../test-support/started-engine-container.js';
import { hasTmux, openTmux, type TmuxPane } from '../../test-support/tmux.js';

/**
 * `exec -it` into an engine container in a real terminal (a tmux pane
 * running a host shell): a shell with a pty of its own and the window
 * size, its exit code, the detach keys leaving it running, and the caller's
 * terminal as it was afterwards.
 */
describe.skipIf(!canRunIntegration() || !hasTmux)('gocontainer exec -it (tmux)', { timeout: 60_000 }, () => {
  let data: ReturnType<typeof tempDataRoot>;
  let web: EngineContainer;
  let dir: string;
  beforeAll(async () => {
    data = tempDataRoot();
    dir = mkdtempSync(join(tmpdir(), 'gc-exec-tty-'));
    web = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'web' });
  });
  afterAll(async () => {
    await web?.remove();
    data?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  async function hostShell(args: string): Promise<{ pane: TmuxPane; ended: () => Promise<number> }> {
    const n = runs++;
    const file = (what: string) => join(dir, `${n}.${what}`);
    const pane = openTmux(
      'env -i PATH=/usr/bin:/bin TERM=xterm PS1="host$ " /bin/bash --norc --noprofile',
      100,
      30,
      `gc-interact-${process.pid}`,
    );
    await pane.until((s) => s.includes('host$'), 'the host shell prompt');
    pane.type(
      `stty -g > ${file('before')}; ${process.execPath} ${GOCONTAINER} --data-root ${data.path} exec ${args}; ` +
        `echo $? > ${file('code')}; stty -g > ${file('after')}`,
    );
    return {
      pane,
      ended: async () => {
        await pane.until(() => existsSync(file('after')) && readFileSync(file('after'), 'utf8') !== '', 'the end');
        expect(readFileSync(file('after'), 'utf8')).toBe(readFileSync(file('before'), 'utf8'));
        return Number(readFileSync(file('code'), 'utf8'));
      },
    };
  }

  it('gives a shell on a pty of its own, with the window size, and exits with its code', async () => {
    const { pane, ended } = await hostShell('-it web sh');
    try {
      await pane.until((s) => /#\s*$/m.test(s), 'the container prompt');
      pane.type("PS1='ctr> '");
      pane.type('echo $((6*7)) $(tty) $TERM');
      await pane.until((s) => /^42 \/dev\/pts\/\d+ xterm$/m.test(s), 'the answer from the pty');
      pane.type('stty size');
      await pane.until((s) => /^30 100$/m.test(s), 'the window size');
      pane.resize(90, 25);
      pane.type('stty size');
      await pane.until((s) => /^25 90$/m.test(s), 'the new window size');
      pane.type('exit 7');
      expect(await ended()).toBe(7);
    } finally {
      pane.kill();
    }
  });

  it('detaches on Ctrl-P Ctrl-Q: exit 0, the process still runs', async () => {
    const { pane, ended } = await hostShell('-it web sh');
    try {
      await pane.until((s) => /#\s*$/m.test(s), 'the container prompt');
      pane.type('sleep 301');
      await new Promise((r) => setTimeout(r, 300));
      pane.send('C-p', 'C-q');
      await pane.until((s) => s.includes('read escape sequence'), 'the detach');
      expect(await ended()).toBe(0);
      const ps = await gocontainer(['--data-root', data.path, 'exec', 'web', 'ps', '-o', 'args']);
      expect(ps.stdout).toMatch(/^sleep 301$/m);
    } finally {
      pane.kill();
    }
  });

  it('takes --detach-keys; Ctrl-P alone reaches the shell', async () => {
    const { pane, ended } = await hostShell('-it --detach-keys ctrl-x,x web sh');
    try {
      await pane.until((s) => /#\s*$/m.test(s), 'the container prompt');
      // Ctrl-P is the shell's previous-line key now: it brings the last command back.
      pane.type('echo first-$((1+1))');
      await pane.until((s) => /^first-2$/m.test(s), 'the first answer');
      pane.send('C-p');
      pane.send('Enter');
      await pane.until((s) => (s.match(/^first-2$/gm) ?? []).length === 2, 'the recalled command');
      pane.send('C-x', 'x');
      await pane.until((s) => s.includes('read escape sequence'), 'the detach');
      expect(await ended()).toBe(0);
    } finally {
      pane.kill();
    }
  });
});
