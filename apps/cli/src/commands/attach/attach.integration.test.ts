import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFrameDecoder,
  encodeFrame,
  exitFrame,
  FRAME_RESIZE,
  FRAME_STDIN,
  FRAME_STDOUT,
  resizeOf,
} from '@gc/engine';
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
 * `gocontainer attach` in a real terminal, against a stand-in for the
 * monitor's attach socket (the monitor serves it; this one echoes what is
 * typed, upper-cased, and answers `exit N` with an exit frame), so the
 * client's terminal handling, detach keys and exit code are what is tested.
 */
describe.skipIf(!canRunIntegration() || !hasTmux)('gocontainer attach (tmux)', { timeout: 60_000 }, () => {
  let data: ReturnType<typeof tempDataRoot>;
  let web: EngineContainer;
  let server: Server;
  let dir: string;
  let dirFd: number;
  const sizes: { rows: number; columns: number }[] = [];

  beforeAll(async () => {
    data = tempDataRoot();
    dir = mkdtempSync(join(tmpdir(), 'gc-attach-tty-'));
    web = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'web', tty: true, openStdin: true });
    server = createServer((socket) => {
      const decoder = createFrameDecoder();
      let line = '';
      socket.on('error', () => undefined);
      socket.write(encodeFrame(FRAME_STDOUT, Buffer.from('attached> ')));
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) {
          if (frame.kind === FRAME_RESIZE) sizes.push(resizeOf(frame));
          if (frame.kind !== FRAME_STDIN) continue;
          for (const ch of frame.payload.toString('latin1')) {
            if (ch === '\r') {
              const exit = /^exit (\d+)$/.exec(line);
              if (exit) {
                socket.end(exitFrame(Number(exit[1])));
                return;
              }
              socket.write(encodeFrame(FRAME_STDOUT, Buffer.from(`\r\n${line.toUpperCase()}\r\nattached> `)));
              line = '';
            } else {
              line += ch;
              socket.write(encodeFrame(FRAME_STDOUT, Buffer.from(ch)));
            }
          }
        }
      });
    });
    // As the monitor must: through an fd of the directory, whose path is longer than a socket address may be.
    dirFd = openSync(data.store.dir(web.record.id), 'r');
    await new Promise<void>((r) => server.listen(`/proc/self/fd/${dirFd}/attach.sock`, r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    closeSync(dirFd);
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
      `stty -g > ${file('before')}; ${process.execPath} ${GOCONTAINER} --data-root ${data.path} attach ${args}; ` +
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

  it('relays keys raw and output, sends the window size, and exits with the code the exit frame carries', async () => {
    const { pane, ended } = await hostShell('web');
    try {
      await pane.until((s) => s.includes('attached>'), 'the output of the container');
      pane.type('hello');
      await pane.until((s) => /^HELLO$/m.test(s), 'the echo');
      expect(sizes.at(-1)).toEqual({ rows: 30, columns: 100 });
      pane.resize(80, 20);
      await new Promise((r) => setTimeout(r, 300));
      expect(sizes.at(-1)).toEqual({ rows: 20, columns: 80 });
      pane.type('exit 5');
      expect(await ended()).toBe(5);
    } finally {
      pane.kill();
    }
  });

  it('detaches on Ctrl-P Ctrl-Q with "read escape sequence" and exit 0; --detach-keys changes them', async () => {
    const first = await hostShell('web');
    try {
      await first.pane.until((s) => s.includes('attached>'), 'the output of the container');
      first.pane.send('C-p', 'C-q');
      await first.pane.until((s) => s.includes('read escape sequence'), 'the detach');
      expect(await first.ended()).toBe(0);
    } finally {
      first.pane.kill();
    }
    const second = await hostShell('--detach-keys ctrl-a,d web');
    try {
      await second.pane.until((s) => s.includes('attached>'), 'the output of the container');
      // Not the keys any more: the stand-in gets them, and the session goes on.
      second.pane.send('C-p', 'C-q');
      second.pane.type('still');
      await second.pane.until((s) => /STILL$/m.test(s), 'the echo after Ctrl-P Ctrl-Q');
      expect(second.pane.screen()).not.toContain('read escape sequence');
      second.pane.send('C-a', 'd');
      await second.pane.until((s) => s.includes('read escape sequence'), 'the detach');
      expect(await second.ended()).toBe(0);
    } finally {
      second.pane.kill();
    }
  });

  it('refuses a stopped container and one without an attach socket', async () => {
    const plain = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'plain' });
    try {
      const r = await gocontainer(['--data-root', data.path, 'attach', 'plain']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/has no attach socket: its monitor serves none/);
      await plain.stop();
      const stopped = await gocontainer(['--data-root', data.path, 'attach', 'plain']);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/You cannot attach to a stopped container, start it first/);
      const bad = await gocontainer(['--data-root', data.path, 'attach', '--detach-keys', 'ctrl-1', 'web']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--detach-keys: invalid detach keys "ctrl-1"/);
    } finally {
      await plain.remove();
    }
  });
});
