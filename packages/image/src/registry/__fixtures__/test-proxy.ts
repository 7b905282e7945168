// An http server in front of the test registry that records what clients send
// and can answer for it: cut a body midway, stall it, change a byte, redirect.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Forwarded {
  /** Send only this many bytes of the body, then close the connection. */
  cut?: number;
  /** Send this many bytes, then nothing more until the client goes away. */
  stall?: number;
  /** Change the body (the Content-Length follows). */
  body?: (body: Buffer) => Buffer;
  headers?: Record<string, string>;
}

export interface TestProxy {
  /** `127.0.0.1:PORT`. */
  host: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** What the handler answers: undefined forwards unchanged. */
export type ProxyHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => Forwarded | 'handled' | undefined | Promise<Forwarded | 'handled' | undefined>;

export function fetchUpstream(target: string, req: IncomingMessage): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target };
    const [hostname, port] = target.split(':');
    const upstream = request({ hostname, port: Number(port), path: req.url, method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    upstream.on('error', reject);
    req.pipe(upstream);
  });
}

export async function startProxy(target: string, handler?: ProxyHandler, bind = '127.0.0.1'): Promise<TestProxy> {
  const requests: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    try {
      const action = (await handler?.(req, res)) ?? {};
      if (action === 'handled') return;
      const upstream = await fetchUpstream(target, req);
      const body = action.body !== undefined ? action.body(upstream.body) : upstream.body;
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding')
          headers[name] = value;
      }
      headers['content-length'] = String(body.length);
      Object.assign(headers, action.headers);
      res.writeHead(upstream.status, headers);
      if (action.cut !== undefined) {
        res.write(body.subarray(0, action.cut), () => res.socket?.destroy());
      } else if (action.stall !== undefined) {
        res.write(body.subarray(0, action.stall));
      } else {
        res.end(body);
      }
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, bind, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: `${bind}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
