import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFrameDecoder,
  encodeFrame,
  exitFrame,
  FRAME_RESIZE,
  FRAME_STDERR,
  FRAME_STDIN,
  FRAME_STDIN_CLOSED,
  FRAME_STDOUT,
  type Frame,
  parseDetachKeys,
  resizeOf,
} from '@gc/engine';
import { createKernel } from '@gc/syscall';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachSession } from './attach-session.js';

const kernel = createKernel();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-attach-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake monitor: one attach socket, the frames each client sent, a way to send it frames. */
interface FakeMonitor {
  readonly path: string;
  readonly received: Frame[];
  client(): Promise<Socket>;
  until(pred: (frames: Frame[]) => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

let count = 0;
async function fakeMonitor(): Promise<FakeMonitor> {
  const path = join(dir, `attach-${count++}.sock`);
  const received: Frame[] = [];
  let resolveClient: (s: Socket) => void = () => undefined;
  const client = new Promise<Socket>((r) => {
    resolveClient = r;
  });
  const server: Server = createServer((socket) => {
    const decoder = createFrameDecoder();
    socket.on('data', (chunk) => received.push(...decoder.push(chunk)));
    socket.on('error', () => undefined);
    resolveClient(socket);
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    path,
    received,
    client: () => client,
    until: async (pred, what) => {
      const end = Date.now() + 5000;
      while (!pred(received)) {
        if (Date.now() > end)
          throw new Error(`${what}: got ${JSON.stringify(received.map((f) => [f.kind, f.payload.toString()]))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => {
      (await Promise.race([client, Promise.resolve(undefined)]))?.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** stdout and stderr as files the session writes, read back by the test. */
function outputs(): { stdout: number; stderr: number; text(which: 'stdout' | 'stderr'): string; close(): void } {
  const files = { stdout: join(dir, `out-${count}`), stderr: join(dir, `err-${count}`) };
  const stdout = openSync(files.stdout, 'w');
  const stderr = openSync(files.stderr, 'w');
  return {
    stdout,
    stderr,
    text: (which) => readFileSync(files[which], 'utf8'),
    close: () => {
      closeSync(stdout);
      closeSync(stderr);
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function session(opts: {
  stdin?: 'pipe' | 'none';
  detachKeys?: string;
  sizeFrom?: number;
  signals?: EventEmitter;
}) {
  const monitor = await fakeMonitor();
  cleanups.push(() => monitor.close());
  const out = outputs();
  cleanups.push(() => out.close());
  let stdinWrite: number | undefined;
  let stdin = -1;
  if (opts.stdin === 'pipe') {
    const [r, w] = kernel.pipe2();
    stdin = r;
    stdinWrite = w;
    cleanups.push(() => {
      if (stdinWrite !== undefined) kernel.close(stdinWrite);
    });
  }
  const socket = kernel.connectUnix(monitor.path);
  const s = attachSession(kernel, socket, {
    stdin,
    stdout: out.stdout,
    stderr: out.stderr,
    detachKeys: opts.detachKeys === undefined ? undefined : parseDetachKeys(opts.detachKeys),
    sizeFrom: opts.sizeFrom,
    ...(opts.signals ? { signals: opts.signals } : {}),
  });
  const server = await monitor.client();
  return {
    monitor,
    out,
    server,
    ended: s.ended,
    type: (data: string | Uint8Array) =>
      writeSync(stdinWrite as number, typeof data === 'string' ? Buffer.from(data) : data),
    endInput: () => {
      kernel.close(stdinWrite as number);
      stdinWrite = undefined;
    },
  };
}

describe('attachSession against a fake monitor', () => {
  it('writes stdout and stderr frames to their fds and ends with the exit frame code', async () => {
    const s = await session({ stdin: 'none' });
    s.server.write(encodeFrame(FRAME_STDOUT, Buffer.from('hello ')));
    s.server.write(
      Buffer.concat([
        encodeFrame(FRAME_STDERR, Buffer.from('oops\n')),
        encodeFrame(FRAME_STDOUT, Buffer.from('world\n')),
      ]),
    );
    s.server.write(exitFrame(42));
    expect(await s.ended).toEqual({ kind: 'exited', exitCode: 42 });
    expect(s.out.text('stdout')).toBe('hello world\n');
    expect(s.out.text('stderr')).toBe('oops\n');
  });

  it('sends stdin as frames, and its end as a stdin-closed frame', async () => {
    const s = await session({ stdin: 'pipe' });
    s.type('line one\n');
    await s.monitor.until((f) => f.some((x) => x.kind === FRAME_STDIN), 'a stdin frame');
    s.endInput();
    await s.monitor.until((f) => f.some((x) => x.kind === FRAME_STDIN_CLOSED), 'the stdin-closed frame');
    const data = s.monitor.received.filter((f) => f.kind === FRAME_STDIN).map((f) => f.payload.toString());
    expect(data.join('')).toBe('line one\n');
    s.server.write(exitFrame(0));
    expect(await s.ended).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('detaches on the keys split across writes, sending what came before and none of them', async () => {
    const s = await session({ stdin: 'pipe', detachKeys: 'ctrl-p,ctrl-q' });
    s.type(Uint8Array.from([0x61, 0x62, 0x10]));
    await new Promise((r) => setTimeout(r, 50));
    s.type(Uint8Array.from([0x11, 0x63]));
    expect(await s.ended).toEqual({ kind: 'detached' });
    await s.monitor.until((f) => f.some((x) => x.kind === FRAME_STDIN), 'a stdin frame');
    const data = Buffer.concat(s.monitor.received.filter((f) => f.kind === FRAME_STDIN).map((f) => f.payload));
    expect([...data]).toEqual([0x61, 0x62]);
    expect(s.monitor.received.some((f) => f.kind === FRAME_STDIN_CLOSED)).toBe(false);
  });

  it('passes a broken detach sequence on whole', async () => {
    const s = await session({ stdin: 'pipe', detachKeys: 'ctrl-p,ctrl-q' });
    s.type(Uint8Array.from([0x10, 0x78]));
    await s.monitor.until((f) => Buffer.concat(f.map((x) => x.payload)).length >= 2, 'both bytes');
    expect([...Buffer.concat(s.monitor.received.filter((f) => f.kind === FRAME_STDIN).map((f) => f.payload))]).toEqual([
      0x10, 0x78,
    ]);
    s.server.write(exitFrame(1));
    expect(await s.ended).toEqual({ kind: 'exited', exitCode: 1 });
  });

  it('sends the window size on attach and on SIGWINCH', async () => {
    const pty = kernel.openPty();
    cleanups.push(() => {
      kernel.close(pty.master);
      kernel.close(pty.slave);
    });
    kernel.setWindowSize(pty.slave, { rows: 24, columns: 80 });
    const signals = new EventEmitter();
    const s = await session({ stdin: 'none', sizeFrom: pty.slave, signals });
    await s.monitor.until((f) => f.some((x) => x.kind === FRAME_RESIZE), 'the first resize');
    kernel.setWindowSize(pty.slave, { rows: 50, columns: 132 });
    signals.emit('SIGWINCH');
    await s.monitor.until((f) => f.filter((x) => x.kind === FRAME_RESIZE).length === 2, 'the second resize');
    expect(s.monitor.received.filter((f) => f.kind === FRAME_RESIZE).map(resizeOf)).toEqual([
      { rows: 24, columns: 80 },
      { rows: 50, columns: 132 },
    ]);
    expect(signals.listenerCount('SIGWINCH')).toBe(1);
    s.server.end();
    expect(await s.ended).toEqual({ kind: 'closed' });
    expect(signals.listenerCount('SIGWINCH')).toBe(0);
  });

  it('rejects on a frame that is not one', async () => {
    const s = await session({ stdin: 'none' });
    s.server.write(Buffer.from([9, 9, 9, 9, 0, 0, 0, 0]));
    await expect(s.ended).rejects.toThrow(/not a frame header/);
  });
});
