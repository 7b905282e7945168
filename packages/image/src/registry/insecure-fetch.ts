import { request } from 'node:https';
import { Readable } from 'node:stream';

/**
 * fetch over https without certificate verification, for registries the
 * user listed as insecure. Node's built-in fetch cannot turn verification off
 * for one request (only process-wide), so this goes through node:https and
 * answers a standard Response. Redirects are not followed (the caller does).
 */
export function insecureFetch(url: string, init: { method?: string; headers?: Headers; signal?: AbortSignal }) {
  return new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string> = {};
    init.headers?.forEach((value, name) => {
      headers[name] = value;
    });
    const req = request(
      url,
      { method: init.method ?? 'GET', headers, rejectUnauthorized: false, signal: init.signal },
      (res) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 502;
        const empty = status === 204 || status === 304 || init.method === 'HEAD';
        if (empty) res.resume();
        resolve(
          new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      },
    );
    req.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    req.end();
  });
}
