import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { load } from './http-get.js';

/**
 * Whether the server at `host:port` answers a TLS handshake: 'no' only when
 * it answered with bytes that are not TLS (a plain-http server's 400), else
 * 'yes' or 'unknown' (refused, reset, silent). For a registry that may be
 * reached over http (loopback, insecure) before the https attempt: that
 * attempt builds Node's root certificate store first (~40 ms of a pull from a
 * loopback registry), which this handshake, with no CA list and nothing
 * verified or sent, does not. A 'yes' leaves the real, verified attempt to
 * follow.
 */
export function speaksTls(endpoint: string, signal?: AbortSignal): Promise<'yes' | 'no' | 'unknown'> {
  const url = new URL(`https://${endpoint}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const tls = load<typeof import('node:tls')>('node:tls');
  return new Promise((resolve) => {
    let socket: TLSSocket | undefined;
    const done = (answer: 'yes' | 'no' | 'unknown') => {
      signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(answer);
    };
    const onAbort = () => done('unknown');
    if (signal?.aborted) return resolve('unknown');
    signal?.addEventListener('abort', onAbort, { once: true });
    socket = tls.connect({
      host,
      port,
      ca: [],
      rejectUnauthorized: false,
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    socket.setTimeout(10_000, () => done('unknown'));
    socket.once('secureConnect', () => done('yes'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done(error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? 'no' : 'unknown');
    });
  });
}
