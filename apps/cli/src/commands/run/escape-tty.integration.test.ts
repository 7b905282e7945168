import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, type createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER } from '../../test-support/gocontainer.js';
import { createProbeRoot } from '../../test-support/probe-root.js';
import { hasTmux, openTmux } from '../../test-support/tmux.js';

/**
 * TIOCSTI: a process pushes bytes into its terminal's input as if typed. A
 * container that holds the caller's terminal types a command into the
 * caller's shell, which runs it as root once gocontainer exits (with
 * dev.tty.legacy_tiocsti=1, this kernel's default). The container must only
 * ever see a pty of its own, or pipes.
 */
describe.skipIf(!canRunIntegration() || !hasTmux)(
  'escape: typing into the caller shell (TIOCSTI, tmux)',
  { timeout: 60_000 },
  () => {
    let root: ReturnType<typeof createBusyboxRoot>;
    beforeAll(() => {
      root = createProbeRoot();
    });
    afterAll(() => root.remove());

    it.each([
      // name, run's flags, the fd the probe types through, the shell's redirection, what the probe gets
      ['no flags (a terminal stdin: as -it)', '', '0', '', 'ok'], // its own pty's input
      ['-t', '-t', '0', '', 'ok'],
      ['-i', '-i', '0', '', 'ENOTTY'], // a pipe
      ['stdout, with stdin from /dev/null', '', '1', '</dev/null', 'ENOTTY'],
    ])('%s: nothing reaches the caller shell', async (_name, flags, fd, redirect, probed) => {
      const pwned = join(tmpdir(), `gc-pwned-${process.pid}-${Math.random().toString(36).slice(2)}`);
      const pane = openTmux('env -i PATH=/usr/bin:/bin PS1="host$ " /bin/bash --norc --noprofile');
      try {
        await pane.until((s) => s.includes('host$'), 'the host shell prompt');
        pane.type(
          `${process.execPath} ${GOCONTAINER} run ${flags} --rootfs ${root.path} ` +
            `/bin/gc-probe tiocsti 'touch ${pwned}\\n' ${fd} ${redirect}; echo "DONE=$?"`,
        );
        await pane.until((s) => /DONE=\d+/.test(s), 'the end of the run');
        expect(pane.screen().split('\n')).toContain(probed);
        // Typed bytes would run as soon as the shell reads its next line.
        await new Promise((r) => setTimeout(r, 1500));
        expect(existsSync(pwned), `the caller's shell ran the typed command; screen:\n${pane.screen()}`).toBe(false);
      } finally {
        pane.kill();
        rmSync(pwned, { force: true });
      }
    });
  },
);
