import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F_GETFD, FD_CLOEXEC } from './constants.js';
import { createKernel } from './real-kernel.js';

const kernel = createKernel();

describe('Kernel.connectUnix', () => {
  let dir: string;
  let server: Server;
  const received: Promise<string>[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-connect-'));
    server = createServer((socket: Socket) => {
      received.push(
        new Promise((resolve) => {
          let text = '';
          socket.on('data', (c) => {
            text += c.toString();
          });
          socket.on('end', () => resolve(text));
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'console.sock'), resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects a close-on-exec stream socket to the path', async () => {
    const fd = kernel.connectUnix(join(dir, 'console.sock'));
    expect(kernel.fcntl(fd, F_GETFD) & FD_CLOEXEC).toBe(FD_CLOEXEC);
    kernel.write(fd, 'hello');
    kernel.close(fd);
    await expect.poll(() => received.length).toBe(1);
    await expect(received[0]).resolves.toBe('hello');
  });

  it('names the path of a socket that is not there', () => {
    const missing = join(dir, 'missing.sock');
    expect(() => kernel.connectUnix(missing)).toThrow(
      `connect to the unix socket ${missing}: ENOENT (No such file or directory)`,
    );
  });

  it('refuses a path longer than sun_path', () => {
    const long = `/tmp/${'x'.repeat(120)}`;
    expect(() => kernel.connectUnix(long)).toThrow(/connect to the unix socket \/tmp\/x+: ENAMETOOLONG/);
  });
});
