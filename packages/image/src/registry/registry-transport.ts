import { isIP } from 'node:net';
import { GcError } from '@gc/syscall';
import { registryEndpoint } from '../reference.js';
import { httpGet, NetworkError, type RegistryResponse } from './http-get.js';
import { speaksTls } from './tls-probe.js';

/** How to reach a registry: the schemes to try, in order. */
export interface RegistryScheme {
  scheme: 'https' | 'http';
  /** Verify the server's certificate (https only). */
  verify: boolean;
}

function hostOf(registry: string): string {
  const bracket = /^\[([^\]]+)\]/.exec(registry);
  if (bracket !== null) return bracket[1] ?? '';
  return registry.replace(/:\d+$/, '');
}

/** localhost, 127.0.0.0/8 and ::1, which Docker trusts over plain http. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostOf(registry).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** Whether `registry` is in the user's insecure list (an entry without a port covers every port of its host). */
export function isInsecureRegistry(registry: string, insecureRegistries: readonly string[] = []): boolean {
  return insecureRegistries.some(
    (entry) =>
      entry === registry || (!/:\d+$/.test(entry.replace(/^\[[^\]]*\]/, '')) && hostOf(registry) === hostOf(entry)),
  );
}

/**
 * Docker's order: https with verification; a loopback registry may fall
 * back to plain http; one listed as insecure gets https without
 * verification, then http. Every other registry is https only.
 */
export function registrySchemes(registry: string, insecureRegistries: readonly string[] = []): RegistryScheme[] {
  if (isInsecureRegistry(registry, insecureRegistries)) {
    return [
      { scheme: 'https', verify: false },
      { scheme: 'http', verify: false },
    ];
  }
  if (isLoopbackRegistry(registry)) {
    return [
      { scheme: 'https', verify: true },
      { scheme: 'http', verify: false },
    ];
  }
  return [{ scheme: 'https', verify: true }];
}

export interface SendInit {
  /** Lower-case names. */
  headers: Record<string, string>;
  signal?: AbortSignal;
}

/** A registry's base URL, chosen on the first request, and GETs of its own URLs and others. */
export interface RegistryTransport {
  readonly registry: string;
  /** GET `path` (`/v2/...`) of the registry; chooses the scheme on the first call. */
  send(path: string, init: SendInit): Promise<RegistryResponse>;
  /** GET an absolute URL (a redirect target, a token realm, a foreign layer). */
  sendUrl(url: string, init: SendInit): Promise<RegistryResponse>;
  /** The absolute URL of `path`, once `send` has chosen the scheme. */
  urlOf(path: string): string;
}

/** The words of a failed request: `ECONNREFUSED`, `certificate has expired`. */
export function networkErrorText(error: unknown): string {
  const cause = (error instanceof NetworkError ? error.cause : error) as
    | { code?: string; message?: string }
    | undefined;
  if (cause?.code !== undefined && cause.message !== undefined && !cause.message.includes(cause.code)) {
    return `${cause.code}: ${cause.message}`;
  }
  return cause?.message ?? cause?.code ?? (error as Error).message;
}

const SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/**
 * A network failure, as opposed to an abort or a bug: a request that got no
 * answer (NetworkError), or a socket error while its body was read.
 */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SOCKET_ERRORS.has(code);
}

/** The scheme each registry answered on, so that the next pull in this process skips the probe. */
const answeredOn = new Map<string, RegistryScheme>();

export function createRegistryTransport(
  registry: string,
  options: { insecureRegistries?: readonly string[] } = {},
): RegistryTransport {
  const endpoint = registryEndpoint(registry);
  const schemes = registrySchemes(registry, options.insecureRegistries);
  let chosen: RegistryScheme | undefined;

  function fetchWith(scheme: RegistryScheme, url: string, init: SendInit): Promise<RegistryResponse> {
    return httpGet(url, { ...init, verify: scheme.scheme === 'https' && scheme.verify });
  }

  return {
    registry,
    async send(path, init) {
      if (chosen !== undefined) return fetchWith(chosen, `${chosen.scheme}://${endpoint}${path}`, init);
      const failures: string[] = [];
      const key = `${registry} ${JSON.stringify(schemes)}`;
      const known = answeredOn.get(key);
      const order: RegistryScheme[] =
        known === undefined
          ? [...schemes]
          : [known, ...schemes.filter((s) => s.scheme !== known.scheme || s.verify !== known.verify)];
      if (known === undefined && order.length > 1 && order[0]?.scheme === 'https' && order[0].verify) {
        // A verified attempt builds Node's root store first: skip its cost when only the http fallback would answer.
        if ((await speaksTls(endpoint, init.signal)) === 'no') {
          failures.push('https: the server answers in plain http, not TLS');
          order.splice(
            0,
            order.findIndex((s) => s.scheme !== 'https'),
          );
        }
        init.signal?.throwIfAborted();
      }
      for (const scheme of order) {
        try {
          const response = await fetchWith(scheme, `${scheme.scheme}://${endpoint}${path}`, init);
          chosen = scheme;
          answeredOn.set(key, scheme);
          return response;
        } catch (error) {
          if (!isNetworkError(error)) throw error;
          failures.push(`${scheme.scheme}: ${networkErrorText(error)}`);
        }
      }
      const hint =
        schemes.length === 1
          ? ' (plain http is used only for loopback registries and those listed as insecure registries)'
          : '';
      throw new GcError('EIMAGE_REGISTRY', `registry ${registry}: cannot connect: ${failures.join('; ')}${hint}`);
    },
    urlOf(path) {
      return `${(chosen ?? schemes[0])?.scheme ?? 'https'}://${endpoint}${path}`;
    },
    sendUrl(url, init) {
      const target = new URL(url);
      if (chosen !== undefined && target.host === endpoint && target.protocol === `${chosen.scheme}:`) {
        return fetchWith(chosen, url, init);
      }
      return httpGet(url, init);
    },
  };
}
