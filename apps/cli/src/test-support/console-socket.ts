import { createServer, type Server, type Socket } from 'node:net';
import { receiveConsole } from '@gc/runtime';
import type { Kernel } from '@gc/syscall';

/** An OCI `--console-socket` listener, as an engine's: it receives the pty master a container sends. */
export interface ConsoleSocket {
  readonly path: string;
  /** The master of the next connection (SCM_RIGHTS). */
  master(): Promise<number>;
  close(): Promise<void>;
}

export async function listenConsoleSocket(kernel: Kernel, path: string): Promise<ConsoleSocket> {
  const pending: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  // Paused: the message's fd is for recvmsg (receiveConsole), not for a read that would drop it.
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    const w = waiting.shift();
    if (w) w(socket);
    else pending.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    async master() {
      const socket = pending.shift() ?? (await new Promise<Socket>((resolve) => waiting.push(resolve)));
      const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
      const master = receiveConsole(kernel, fd);
      socket.destroy();
      return master;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Everything the container writes to its pty, until the last holder of the slave is gone (EIO); closes the master. */
export function readToHangup(kernel: Kernel, master: number): string {
  let out = '';
  const buf = new Uint8Array(4096);
  for (;;) {
    let n: number;
    try {
      n = kernel.read(master, buf);
    } catch {
      break; // EIO: the last holder of the slave is gone
    }
    if (n === 0) break;
    out += Buffer.from(buf.subarray(0, n)).toString();
  }
  kernel.close(master);
  return out;
}
