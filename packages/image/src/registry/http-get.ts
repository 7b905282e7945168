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
  /**
   * Read the body once, chunk by chunk as it arrives: `onChunk` may return a
   * promise, and no chunk comes until it settles. Resolves at the body's end,
   * rejects with the first error (a cut connection's is ECONNRESET, an
   * abort's the signal's reason, `onChunk`'s own).
   */
  readBody(onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void>;
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
export function load<T>(name: string): T {
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
      // Unverified: no CA list, so that Node does not build its root store (~40 ms) for nothing.
      agent = new module.Agent({
        keepAlive: true,
        rejectUnauthorized: verify,
        timeout: 30_000,
        ...(verify ? {} : { ca: [] }),
      });
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

/**
 * A response's body by 'data' events, paused while `onChunk`'s promise is
 * pending. Not `for await`: its promise per chunk made a 40 MB pull from a
 * loopback registry take half as long again (~54 KB chunks).
 */
function readBody(res: IncomingMessage, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let pending: Promise<void> | undefined;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      res.off('data', onData);
      res.off('end', onEnd);
      res.off('error', finish);
      res.off('close', onClose);
      if (error !== undefined) {
        res.destroy();
        reject(error);
      } else resolve();
    };
    const onData = (chunk: Buffer) => {
      let next: void | Promise<void>;
      try {
        next = onChunk(chunk);
      } catch (error) {
        finish(error);
        return;
      }
      if (next === undefined) return;
      res.pause();
      const current = next.then(
        () => {
          if (pending === current) pending = undefined;
          if (!settled) res.resume();
        },
        (error: unknown) => finish(error),
      );
      pending = current;
    };
    const onEnd = () => {
      if (pending === undefined) finish();
      else pending.then(() => finish());
    };
    // 'error' comes first on a cut connection (ECONNRESET 'aborted') or an abort (the signal's reason).
    const onClose = () => {
      if (!res.complete) finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    // Cut (or aborted) before this read: its 'error' and 'close' have gone by.
    if (res.errored) return finish(res.errored);
    if (res.destroyed && !res.complete) return onClose();
    res.on('data', onData);
    res.once('end', onEnd);
    res.once('error', finish);
    res.once('close', onClose);
    if (res.readableEnded) onEnd();
  });
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
        readBody: (onChunk) => readBody(res, onChunk),
        async text() {
          const chunks: Buffer[] = [];
          await readBody(res, (chunk) => {
            chunks.push(chunk);
          });
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
