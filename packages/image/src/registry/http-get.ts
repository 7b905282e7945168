import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { createRequire } from 'node:module';

/** The answer to a registry GET: the parts of fetch's Response that a pull reads. */
export interface RegistryResponse {
  readonly status: number;
  readonly statusText: string;
  /** A 2xx status. */
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The body's chunks, to read once. */
  readonly body: AsyncIterable<Buffer>;
  text(): Promise<string>;
  /** Drop the body: a short one is drained, so that its connection serves the next request. */
  cancel(): Promise<void>;
}

export interface HttpGetInit {
  /** Lower-case names. */
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** Verify the server's certificate (https only); true unless told. */
  verify?: boolean;
}

/** A request that got no answer (refused, reset, a TLS failure): `cause` is the socket's or TLS's error. */
export class NetworkError extends Error {
  constructor(cause: Error) {
    super('request failed', { cause });
    this.name = 'NetworkError';
  }
}

// A body this short is read to its end rather than cut, so that its keep-alive connection is reused.
const DRAIN_BYTES = 64 * 1024;

type Module = { request: typeof import('node:http').request };
const agents = new Map<string, HttpAgent | HttpsAgent>();

// Each module is loaded on first use: node:https brings tls and its root certificates, which a pull
// from a loopback registry over http never needs. require, not import(): the CLI's bundle runs in a
// vm.Script, which has no dynamic import.
function load<T>(name: string): T {
  const req = typeof __filename === 'string' ? require : createRequire(import.meta.url);
  return req(name) as T;
}

function transportFor(protocol: string, verify: boolean): { module: Module; agent: HttpAgent } {
  if (protocol === 'https:') {
    const key = `https:${verify}`;
    const module = load<typeof import('node:https')>('node:https');
    let agent = agents.get(key);
    if (agent === undefined) {
      // Docker's and containerd's clients keep connections alive too: a pull is a burst of requests to one host.
      agent = new module.Agent({ keepAlive: true, rejectUnauthorized: verify, timeout: 30_000 });
      agents.set(key, agent);
    }
    return { module, agent };
  }
  const module = load<typeof import('node:http')>('node:http');
  let agent = agents.get('http:');
  if (agent === undefined) {
    agent = new module.Agent({ keepAlive: true, timeout: 30_000 });
    agents.set('http:', agent);
  }
  return { module, agent };
}

function headerGetter(res: IncomingMessage) {
  return {
    get(name: string): string | null {
      const value = res.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * GET `url` over node:http or node:https with keep-alive connections. Not
 * fetch: undici's load and its web streams cost more than the transfer of a
 * small image, and fetch cannot skip certificate verification for one
 * request. Redirects are not followed (the caller does, to drop credentials
 * across origins). An abort rejects, and cuts a body being read, with the
 * signal's reason, as fetch does.
 */
export async function httpGet(url: string, init: HttpGetInit): Promise<RegistryResponse> {
  const { signal } = init;
  signal?.throwIfAborted();
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`httpGet: ${target.protocol} is not http or https`);
  }
  const { module, agent } = transportFor(target.protocol, init.verify !== false);
  return new Promise<RegistryResponse>((resolve, reject) => {
    let answer: IncomingMessage | undefined;
    const onAbort = () => {
      const reason = signal?.reason;
      req.destroy();
      if (answer !== undefined) answer.destroy(reason);
      else reject(reason);
    };
    const req = module.request(target, { method: 'GET', headers: init.headers, agent }, (res) => {
      answer = res;
      if (signal !== undefined) res.once('close', () => signal.removeEventListener('abort', onAbort));
      const status = res.statusCode ?? 502;
      const length = Number(res.headers['content-length'] ?? Number.NaN);
      resolve({
        status,
        statusText: res.statusMessage ?? '',
        ok: status >= 200 && status < 300,
        headers: headerGetter(res),
        body: res,
        async text() {
          const chunks: Buffer[] = [];
          for await (const chunk of res) chunks.push(chunk as Buffer);
          return Buffer.concat(chunks).toString('utf8');
        },
        async cancel() {
          if (res.complete || res.destroyed) return;
          if (length <= DRAIN_BYTES) {
            res.resume();
            return;
          }
          res.destroy();
        },
      });
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      if (answer === undefined) signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason);
      else reject(new NetworkError(error));
    });
    req.end();
  });
}
