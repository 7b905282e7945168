import { setTimeout as sleep } from 'node:timers/promises';
import { GcError } from '@gc/syscall';
import type { RegistryCredentials } from './credentials-file.js';
import type { RegistryResponse } from './http-get.js';
import { type AuthScope, createRegistryAuth, type RegistryAuth } from './registry-auth.js';
import {
  createRegistryTransport,
  isNetworkError,
  networkErrorText,
  type RegistryTransport,
} from './registry-transport.js';

export interface RegistryClientOptions {
  credentials?: RegistryCredentials;
  /** Registries reached over plain http or https without verification (loopback ones fall back to http anyway). */
  insecureRegistries?: readonly string[];
  /** Retries of a transient failure (a network error, 408, 429, 5xx): 3 unless told. */
  retries?: number;
  /** The first pause between retries, doubled each time. */
  retryDelayMs?: number;
}

export interface RegistryRequest {
  /** The scope to authorize, `pullScope(repository)`; '' for `/v2/`. */
  scope: AuthScope;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** What is being fetched, for errors: `manifest docker.io/library/busybox:latest`. */
  what: string;
}

/** GET requests to one registry's API, through its auth handshake, redirects and retries. */
export interface RegistryClient {
  readonly registry: string;
  /** GET `path` (`/v2/...`): the response once it is not a redirect nor a 401 that credentials can answer. */
  get(path: string, request: RegistryRequest): Promise<RegistryResponse>;
  /** GET an absolute URL (a foreign layer's), with redirects and retries but no registry credentials. */
  getUrl(url: string, request: Omit<RegistryRequest, 'scope'>): Promise<RegistryResponse>;
  /** Whether `error` (from `get`, or from reading a body) is worth another try. */
  isTransient(error: unknown): boolean;
  /** Wait before retry number `attempt` (from 0); false when retries are used up. */
  backoff(attempt: number, signal?: AbortSignal): Promise<boolean>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

class TransientStatusError extends GcError {
  constructor(message: string) {
    super('EIMAGE_REGISTRY', message);
  }
}

/** The `errors` of a distribution-spec error body, as one line: `MANIFEST_UNKNOWN: manifest unknown`. */
async function errorDetail(response: RegistryResponse): Promise<string> {
  let text = '';
  try {
    text = (await response.text()).slice(0, 4096);
  } catch {
    return '';
  }
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      return body.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    // Not JSON: a proxy's page. The status says enough.
  }
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

/** The error for a response that is not a success, naming what was fetched. */
export async function responseError(response: RegistryResponse, what: string): Promise<GcError> {
  const detail = await errorDetail(response);
  const said = detail !== '' ? ` (${detail})` : '';
  if (response.status === 404) return new GcError('EIMAGE_NOT_FOUND', `${what}: not found in the registry${said}`);
  if (response.status === 403) return new GcError('EIMAGE_DENIED', `${what}: denied by the registry${said}`);
  const message = `${what}: the registry answered ${response.status} ${response.statusText}${said}`;
  return TRANSIENT_STATUS.has(response.status)
    ? new TransientStatusError(message)
    : new GcError('EIMAGE_REGISTRY', message);
}

export function createRegistryClient(registry: string, options: RegistryClientOptions = {}): RegistryClient {
  const transport: RegistryTransport = createRegistryTransport(registry, options);
  const auth: RegistryAuth = createRegistryAuth(transport, options.credentials);
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 250;

  async function follow(
    first: RegistryResponse,
    from: string,
    headers: Record<string, string>,
    request: { signal?: AbortSignal; what: string },
  ) {
    let response = first;
    let url = new URL(from);
    for (let hop = 0; REDIRECTS.has(response.status); hop++) {
      const location = response.headers.get('location');
      await response.cancel();
      if (location === null) throw new GcError('EIMAGE_REGISTRY', `${request.what}: a redirect without Location`);
      if (hop >= MAX_REDIRECTS)
        throw new GcError('EIMAGE_REGISTRY', `${request.what}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new GcError(
          'EIMAGE_REGISTRY',
          `${request.what}: redirected to ${next.protocol} (expected http or https)`,
        );
      }
      // Credentials are for the registry: blob storage elsewhere gets a signed URL instead.
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
      response = await transport.sendUrl(url.href, { headers, signal: request.signal });
    }
    return response;
  }

  async function withRetries(request: { signal?: AbortSignal; what: string }, once: () => Promise<RegistryResponse>) {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await once();
        if (TRANSIENT_STATUS.has(response.status) && attempt < retries) {
          await response.cancel();
          if (await client.backoff(attempt, request.signal)) continue;
        }
        return response;
      } catch (error) {
        if (!client.isTransient(error)) throw error;
        if (!(await client.backoff(attempt, request.signal))) {
          if (GcError.isInstance(error)) throw error;
          throw new GcError('EIMAGE_REGISTRY', `${request.what}: ${networkErrorText(error)}`, { cause: error });
        }
      }
    }
  }

  const client: RegistryClient = {
    registry,
    get(path, request) {
      return withRetries(request, async () => {
        for (let answered = false; ; answered = true) {
          const headers: Record<string, string> = { ...request.headers };
          const authorization = await auth.header(request.scope, request.signal);
          if (authorization !== undefined) headers.authorization = authorization;
          const response = await transport.send(path, { headers, signal: request.signal });
          if (response.status === 401) {
            await response.cancel();
            if (!answered && auth.challenged(response, request.scope)) continue;
            throw auth.unauthorized(request.what);
          }
          return REDIRECTS.has(response.status) ? follow(response, transport.urlOf(path), headers, request) : response;
        }
      });
    },
    getUrl(url, request) {
      return withRetries(request, async () => {
        const headers: Record<string, string> = { ...request.headers };
        return follow(await transport.sendUrl(url, { headers, signal: request.signal }), url, headers, request);
      });
    },
    isTransient(error) {
      if (error instanceof TransientStatusError) return true;
      if (GcError.isInstance(error)) return error.code === 'EIMAGE_REGISTRY' && /cannot connect/.test(error.message);
      return isNetworkError(error);
    },
    async backoff(attempt, signal) {
      if (attempt >= retries) return false;
      await sleep(retryDelayMs * 2 ** attempt, undefined, { signal });
      return true;
    },
  };
  return client;
}
