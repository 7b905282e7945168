import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, GOCONTAINER, gocontainer, processesMatching } from '../../test-support/gocontainer.js';
import { hasTmux, openTmux } from '../../test-support/tmux.js';

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, tty_nr, ...]. */
function stat(pid: number | 'self'): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** Standard streams without -t: no terminal of the caller's ever reaches the container. */
describe.skipIf(!canRunIntegration())('gocontainer run: standard streams without a tty', { timeout: 60_000 }, () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  let dir: string;
  beforeAll(() => {
    root = createBusyboxRoot();
    dir = mkdtempSync(join(tmpdir(), 'gc-stdio-'));
  });
  afterAll(() => {
    root.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without -i, stdin is /dev/null: cat ends at once, though our stdin stays open', async () => {
    const child = spawn(
      process.execPath,
      [GOCONTAINER, 'run', '--rootfs', root.path, '/bin/sh', '-c', 'cat; readlink /proc/self/fd/0'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const r = await finish(child, 20_000);
    child.stdin?.destroy();
    expect(r.stdout).toBe('/dev/null\n');
    expect(r.code).toBe(0);
  });

  it('with -i, piped input arrives and its EOF too', async () => {
    const r = await gocontainer(['run', '-i', '--rootfs', root.path, '/bin/sh', '-c', 'cat; echo end'], {
      input: 'line one\nline two\n',
    });
    expect(r.stdout).toBe('line one\nline two\nend\n');
  });

  it('runs in a session of its own, with no controlling terminal', async () => {
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', 'cut -d" " -f6,7 /proc/self/stat']);
    // Session 1 (the container's PID 1 leads it), tty_nr 0.
    expect(r.stdout).toBe('1 0\n');
  });

  describe.skipIf(!hasTmux)('on a terminal (tmux)', () => {
    it('-i: the terminal reaches the container as pipes, in a session apart; Ctrl-C and Ctrl-D work', async () => {
      const mark = `77${process.pid}`;
      const code = join(dir, 'code');
      const pane = openTmux('env -i PATH=/usr/bin:/bin PS1="host$ " /bin/bash --norc --noprofile');
      try {
        await pane.until((s) => s.includes('host$'), 'the host shell prompt');
        pane.type(`echo hostsid=$(cut -d' ' -f6 /proc/$$/stat)`);
        await pane.until((s) => /^hostsid=\d+$/m.test(s), 'the host session id');
        const hostSid = /^hostsid=(\d+)$/m.exec(pane.screen())?.[1];
        pane.type(
          `${process.execPath} ${GOCONTAINER} run -i --init --rootfs ${root.path} /bin/sleep ${mark}; echo $? > ${code}`,
        );
        let sleeper: number | undefined;
        await pane.until(() => {
          sleeper = processesMatching(mark).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n');
          return sleeper !== undefined;
        }, 'the container');
        const pid = sleeper as number;
        const [, , , session, ttyNr] = stat(pid);
        expect(ttyNr).toBe('0');
        expect(session).not.toBe(hostSid);
        for (const fd of [0, 1, 2]) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toMatch(/^pipe:/);
        // Ctrl-C: SIGINT to gocontainer (the terminal's foreground), forwarded to the container.
        pane.send('C-c');
        await pane.until(() => existsSync(code) && readFileSync(code, 'utf8') !== '', 'the exit code');
        expect(readFileSync(code, 'utf8')).toBe('130\n');

        rmSync(code);
        pane.type(
          `${process.execPath} ${GOCONTAINER} run -i --rootfs ${root.path} /bin/sh -c 'cat; echo cat-ended'; echo $? > ${code}`,
        );
        await new Promise((r) => setTimeout(r, 1000));
        pane.type('typed line');
        await pane.until((s) => s.split('\n').filter((l) => l === 'typed line').length === 2, 'the echo by cat');
        pane.send('C-d');
        await pane.until((s) => /^cat-ended$/m.test(s), 'the end of cat at EOF');
        await pane.until(() => existsSync(code) && readFileSync(code, 'utf8') !== '', 'the exit code');
        expect(readFileSync(code, 'utf8')).toBe('0\n');

        // Only stdin relayed (the output goes to a file): it stays relayed until the container ends.
        rmSync(code);
        const out = join(dir, 'out');
        pane.type(
          `${process.execPath} ${GOCONTAINER} run -i --rootfs ${root.path} /bin/sh -c 'read line; echo "got=$line"' >${out} 2>&1; echo $? > ${code}`,
        );
        await new Promise((r) => setTimeout(r, 1000));
        pane.type('late line');
        await pane.until(() => existsSync(code) && readFileSync(code, 'utf8') !== '', 'the exit code');
        expect(readFileSync(out, 'utf8')).toBe('got=late line\n');
      } finally {
        pane.kill();
      }
    });
  });
});
