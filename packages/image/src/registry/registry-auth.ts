import { GcError } from '@gc/syscall';
import { type AuthChallenge, parseChallenges } from './auth-challenge.js';
import type { RegistryCredentials } from './credentials-file.js';
import type { RegistryResponse } from './http-get.js';
import { isLoopbackRegistry, isNetworkError, networkErrorText, type RegistryTransport } from './registry-transport.js';

/** `repository:library/busybox:pull`, or '' for the registry's root (`GET /v2/`, login). */
export type AuthScope = string;

export function pullScope(repository: string): AuthScope {
  return `repository:${repository}:pull`;
}

/**
 * The Authorization of requests to one registry: learns the registry's
 * challenge from its first 401, then answers it with Basic credentials or a
 * Bearer token from the challenge's realm, cached per scope until it expires.
 */
export interface RegistryAuth {
  /** The Authorization header for `scope`, when the registry's challenge is known; asks for a token when needed. */
  header(scope: AuthScope, signal?: AbortSignal): Promise<string | undefined>;
  /** Learn the challenge of a 401 and forget any token that it refused; false when nothing can answer it. */
  challenged(response: RegistryResponse, scope: AuthScope): boolean;
  /** The error for a 401 that persists after answering the challenge. */
  unauthorized(what: string): GcError;
}

interface CachedToken {
  value: string;
  expires: number;
}

// Tokens are renewed a little before they expire, so a request is not sent with one about to lapse.
const EXPIRY_MARGIN_MS = 5_000;
const DEFAULT_EXPIRES_IN_S = 60;

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export function createRegistryAuth(
  transport: RegistryTransport,
  credentials: RegistryCredentials | undefined,
  login = 'gocontainer login',
): RegistryAuth {
  const registry = transport.registry;
  let challenge: AuthChallenge | undefined;
  const tokens = new Map<AuthScope, CachedToken>();
  const pending = new Map<AuthScope, Promise<CachedToken>>();

  function unauthorized(what: string, detail = ''): GcError {
    const message =
      credentials !== undefined
        ? `${what}: unauthorized: check \`${login}\` (registry ${registry} refused the credentials of ${credentials.username}${detail})`
        : `${what}: unauthorized: authentication required (run \`${login} ${registry}\`${detail})`;
    return new GcError('EIMAGE_UNAUTHORIZED', message);
  }

  async function requestToken(bearer: AuthChallenge, scope: AuthScope, signal?: AbortSignal): Promise<CachedToken> {
    const realm = bearer.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      throw new GcError(
        'EIMAGE_REGISTRY',
        `registry ${registry}: the Bearer challenge's realm ${JSON.stringify(realm)} is not an http(s) URL`,
      );
    }
    // The credentials go to the realm whatever its host, as Docker's; in clear text only to a loopback token
    // service, or when the registry itself is reached over plain http.
    if (
      credentials !== undefined &&
      url.protocol === 'http:' &&
      !isLoopbackRegistry(url.host) &&
      !transport.urlOf('/v2/').startsWith('http:')
    ) {
      throw new GcError(
        'EIMAGE_REGISTRY',
        `registry ${registry}: the Bearer challenge's realm ${JSON.stringify(realm)} is plain http: the credentials of ${credentials.username} are sent only over https (or to a loopback token service)`,
      );
    }
    if (bearer.params.service !== undefined) url.searchParams.set('service', bearer.params.service);
    if (scope !== '') url.searchParams.set('scope', scope);
    if (credentials !== undefined) url.searchParams.set('account', credentials.username);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials !== undefined) headers.authorization = basic(credentials);
    let response: RegistryResponse;
    try {
      response = await transport.sendUrl(url.href, { headers, signal });
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      throw new GcError(
        'EIMAGE_REGISTRY',
        `registry ${registry}: token service ${url.origin}: ${networkErrorText(error)}`,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw unauthorized(
        `token for ${scope || registry}`,
        `; the token service ${url.origin} answered ${response.status}`,
      );
    }
    if (!response.ok) {
      throw new GcError(
        'EIMAGE_REGISTRY',
        `registry ${registry}: token service ${url.origin} answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      throw new GcError('EIMAGE_REGISTRY', `registry ${registry}: token service ${url.origin} answered no JSON`);
    }
    const value = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
    if (typeof value !== 'string' || value === '') {
      throw new GcError(
        'EIMAGE_REGISTRY',
        `registry ${registry}: token service ${url.origin} answered no "token" nor "access_token"`,
      );
    }
    const expiresIn =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_S;
    return { value, expires: Date.now() + expiresIn * 1000 };
  }

  return {
    async header(scope, signal) {
      if (challenge === undefined) return undefined;
      if (challenge.scheme === 'basic') return credentials !== undefined ? basic(credentials) : undefined;
      const cached = tokens.get(scope);
      if (cached !== undefined && cached.expires - EXPIRY_MARGIN_MS > Date.now()) return `Bearer ${cached.value}`;
      let asked = pending.get(scope);
      if (asked === undefined) {
        asked = requestToken(challenge, scope, signal).finally(() => pending.delete(scope));
        pending.set(scope, asked);
      }
      const token = await asked;
      tokens.set(scope, token);
      return `Bearer ${token.value}`;
    },
    challenged(response, scope) {
      const offered = parseChallenges(response.headers.get('www-authenticate') ?? '');
      const usable =
        offered.find((c) => c.scheme === 'bearer') ??
        (credentials !== undefined ? offered.find((c) => c.scheme === 'basic') : undefined);
      if (usable === undefined) return false;
      tokens.delete(scope);
      const known = challenge !== undefined;
      challenge = usable;
      // A 401 to Basic credentials already sent cannot be answered again.
      return !(known && usable.scheme === 'basic');
    },
    unauthorized: (what) => unauthorized(what),
  };
}
