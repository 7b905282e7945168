import { GcError } from '@gc/syscall';
import { normalizeRegistry, type RegistryCredentials, removeCredentials, saveCredentials } from './credentials-file.js';
import { createRegistryClient, responseError } from './registry-client.js';

export interface LoginOptions {
  /** The credentials file to write (the CLI's `${XDG_CONFIG_HOME:-$HOME/.config}/gocontainer/auth.json`). */
  file: string;
  insecureRegistries?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Check `username`/`password` against the registry (GET /v2/ through its
 * auth handshake: a Basic challenge answered, or a token asked of the
 * Bearer realm) and save them in `options.file`. Nothing is saved when the
 * registry refuses them. Returns the registry as saved (`docker.io` for
 * Docker Hub's aliases).
 */
export async function login(
  registry: string,
  username: string,
  password: string,
  options: LoginOptions,
): Promise<string> {
  const name = normalizeRegistry(registry);
  if (name === '') throw new GcError('EIMAGE_CREDENTIALS', 'registry: expected a registry host[:port]');
  if (username === '') throw new GcError('EIMAGE_CREDENTIALS', 'username: expected a non-empty name');
  if (password === '') throw new GcError('EIMAGE_CREDENTIALS', 'password: expected a non-empty password');
  const credentials: RegistryCredentials = { username, password };
  const client = createRegistryClient(name, { credentials, insecureRegistries: options.insecureRegistries });
  const what = `login to ${name}`;
  const response = await client.get('/v2/', { scope: '', signal: options.signal, what });
  if (!response.ok) throw await responseError(response, what);
  await response.cancel();
  saveCredentials(options.file, name, credentials);
  return name;
}

/** Remove the saved credentials for `registry` from `file`; false when there were none. */
export function logout(registry: string, file: string): boolean {
  return removeCredentials(file, registry);
}
