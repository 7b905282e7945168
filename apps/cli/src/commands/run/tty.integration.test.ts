import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, type createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, processesMatching } from '../../test-support/gocontainer.js';
import { createProbeRoot } from '../../test-support/probe-root.js';
import { hasTmux, openTmux, type TmuxPane } from '../../test-support/tmux.js';

/**
 * `run -t` in a real terminal (a tmux pane running a host shell): the
 * container's shell gets a pty of its own, job control, the window size and
 * Ctrl-C through its line discipline, and the caller's terminal is as it was
 * afterwards, however the run ended.
 */
describe.skipIf(!canRunIntegration() || !hasTmux)('gocontainer run -t (tmux)', { timeout: 60_000 }, () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  let dir: string;
  beforeAll(() => {
    root = createProbeRoot();
    dir = mkdtempSync(join(tmpdir(), 'gc-tty-'));
  });
  afterAll(() => {
    root.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  /** A host shell in tmux that runs `gocontainer ARGS`; then its exit code and `stty -g` before and after. */
  async function hostShell(args: string): Promise<{ pane: TmuxPane; ended: () => Promise<{ code: number }> }> {
    const n = runs++;
    const file = (what: string) => join(dir, `${n}.${what}`);
    const pane = openTmux('env -i PATH=/usr/bin:/bin TERM=xterm PS1="host$ " /bin/bash --norc --noprofile');
    await pane.until((s) => s.includes('host$'), 'the host shell prompt');
    pane.type(
      `stty -g > ${file('before')}; ${process.execPath} ${GOCONTAINER} run ${args}; ` +
        `echo $? > ${file('code')}; stty -g > ${file('after')}; clear`,
    );
    return {
      pane,
      ended: async () => {
        await pane.until(() => existsSync(file('after')) && readFileSync(file('after'), 'utf8') !== '', 'the end');
        // The terminal mode of the caller: as before the run.
        expect(readFileSync(file('after'), 'utf8')).toBe(readFileSync(file('before'), 'utf8'));
        return { code: Number(readFileSync(file('code'), 'utf8')) };
      },
    };
  }

  /** Type `line` and wait for `expected` on the screen, below what was typed. */
  async function answer(pane: TmuxPane, line: string, expected: RegExp): Promise<void> {
    pane.type(line);
    await pane.until((s) => expected.test(s), `${expected} after "${line}"`);
  }

  async function interactiveSession(args: string, ps: RegExp): Promise<void> {
    const { pane, ended } = await hostShell(args);
    try {
      await pane.until((s) => /#\s*$/m.test(s), 'the container prompt');
      pane.type("PS1='ctr> '");
      await pane.until((s) => /^ctr>\s*$/m.test(s), 'the new prompt');
      await answer(pane, 'tty', /^\/dev\/pts\/0$/m);
      await answer(pane, 'echo size=$(stty size)', /^size=30 120$/m);
      pane.resize(100, 40);
      await answer(pane, 'echo resized=$(stty size)', /^resized=40 100$/m);
      await answer(pane, 'ps -o pid,tty,args', ps);
      // Job control: a background job, listed by the shell.
      await answer(pane, 'sleep 77 &', /^ctr>\s*$/m);
      await answer(pane, 'jobs', /\[1\]\+?\s+Running\s+sleep 77/);
      expect(pane.screen()).not.toMatch(/job control turned off|no job control/);
      // Ctrl-C: the foreground job gets SIGINT from the pty's line discipline.
      pane.type('sleep 100');
      await new Promise((r) => setTimeout(r, 500));
      pane.send('C-c');
      await answer(pane, 'echo interrupted=$?', /^interrupted=130$/m);
      pane.type('exit 3');
      expect((await ended()).code).toBe(3);
    } finally {
      pane.kill();
    }
  }

  it('run -it /bin/sh on a busybox root: tty, size, resize, ps, jobs, Ctrl-C, exit 3', async () => {
    // busybox ps shows the terminal as major,minor: 136,0 is /dev/pts/0.
    await interactiveSession(`-it --rootfs ${root.path} /bin/sh`, /^\s*1 136,0\s+\/bin\/sh/m);
  });

  it('run /bin/bash on the default root: the same, as -it by default', async () => {
    await interactiveSession('/bin/bash --norc --noprofile', /^\s*1 pts\/0\s+\/bin\/bash/m);
  });

  it("a kill -9 of the container leaves the caller's terminal as it was (137)", async () => {
    const mark = `${process.pid}${runs}`;
    const { pane, ended } = await hostShell(`--rootfs ${root.path} /bin/sleep ${mark}`);
    try {
      let sleeper: number | undefined;
      await pane.until(() => {
        sleeper = processesMatching(mark).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n');
        return sleeper !== undefined;
      }, 'the container');
      process.kill(sleeper as number, 'SIGKILL');
      expect((await ended()).code).toBe(137);
    } finally {
      pane.kill();
    }
  });

  it.each([
    ['closed (tmux ends)', 'kill'],
    ['hung up (its session leader, the shell, dies of SIGHUP)', 'sighup'],
  ] as const)('a caller terminal %s ends gocontainer and its container, silent or not', async (_name, how) => {
    // A shell (it may write a prompt) and a sleep as PID 1 (it ignores the forwarded SIGHUP, writes nothing).
    for (const [command, seen] of [
      ['/bin/sh', '/bin/sh'],
      [`/bin/sleep 66${process.pid}`, `66${process.pid}`],
    ] as const) {
      const mark = `gc-hup-${process.pid}-${runs}`;
      const { pane } = await hostShell(`-it --hostname ${mark} --rootfs ${root.path} ${command}`);
      try {
        await pane.until(() => {
          const pids = processesMatching(mark);
          return pids.length > 0 && processesMatching(seen).some((pid) => !pids.includes(pid));
        }, 'the container');
        await new Promise((r) => setTimeout(r, 300));
        // A session leader's exit hangs its terminal up: reads give 0 bytes, not EIO.
        if (how === 'sighup') process.kill(pane.pid(), 'SIGHUP');
        else pane.kill();
        for (let i = 0; i < 100 && processesMatching(mark).length > 0; i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(processesMatching(mark), command).toEqual([]);
      } finally {
        pane.kill();
        for (const pid of processesMatching(mark)) process.kill(pid, 'SIGKILL');
      }
    }
  });

  it("a command that cannot start leaves the caller's terminal as it was (127)", async () => {
    const { pane, ended } = await hostShell(`-it --rootfs ${root.path} /bin/no-such-command`);
    try {
      expect((await ended()).code).toBe(127);
    } finally {
      pane.kill();
    }
  });
});
