import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

describe('httpGet bodies', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        // More than is drained on cancel; the rest comes only after a while.
        res.writeHead(200, { 'content-length': String(1 << 20) });
        res.write(Buffer.alloc(128 * 1024, 1));
        return;
      }
      res.end('0123456789'.repeat(1000));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads a body in order, waiting for a slow consumer', async () => {
    const r = await httpGet(`${base}/small`, { headers: {} });
    const chunks: Buffer[] = [];
    await r.readBody(async (chunk) => {
      await new Promise((done) => setTimeout(done, 1));
      chunks.push(chunk);
    });
    expect(Buffer.concat(chunks).toString()).toBe('0123456789'.repeat(1000));
  });

  it('rejects the read of a body cut before it was read, rather than waiting for ever', async () => {
    const r = await httpGet(`${base}/big`, { headers: {} });
    await r.cancel();
    // Its 'close' has gone by when the read starts (as after an abort while a writer was opened).
    await new Promise((done) => setTimeout(done, 50));
    await expect(r.readBody(() => undefined)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('rejects with what the consumer threw, and stops reading', async () => {
    const r = await httpGet(`${base}/small`, { headers: {} });
    let calls = 0;
    await expect(
      r.readBody(() => {
        calls++;
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(calls).toBe(1);
  });
});
