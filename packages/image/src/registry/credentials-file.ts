import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { GcError } from '@gc/syscall';
import { DEFAULT_REGISTRY } from '../reference.js';

/** A user name and password (or token) for one registry. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

// Docker keys Docker Hub by its v1 index URL; podman by `docker.io`.
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The registry a key of `auths` or a `login` argument names: no scheme, no path, Docker Hub's aliases as `docker.io`. */
export function normalizeRegistry(text: string): string {
  const host = text
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '');
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DEFAULT_REGISTRY : host;
}

/**
 * Where credentials are looked up, first match winning:
 * `${XDG_CONFIG_HOME:-$HOME/.config}/gocontainer/auth.json` (where `login`
 * writes), then Docker's `${DOCKER_CONFIG:-$HOME/.docker}/config.json`, so a
 * `docker login` works too.
 */
export function defaultCredentialFiles(env: Record<string, string | undefined>): string[] {
  const home = env.HOME || homedir();
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  const docker = env.DOCKER_CONFIG || join(home, '.docker');
  return [join(config, 'gocontainer', 'auth.json'), join(docker, 'config.json')];
}

interface AuthFile {
  auths?: Record<string, { auth?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

function readAuthFile(file: string): AuthFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GcError('EIMAGE_CREDENTIALS', `credentials file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GcError('EIMAGE_CREDENTIALS', `credentials file ${file}: not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GcError('EIMAGE_CREDENTIALS', `credentials file ${file}: expected a JSON object with "auths"`);
  }
  const auths = (parsed as AuthFile).auths;
  if (auths !== undefined && (typeof auths !== 'object' || auths === null || Array.isArray(auths))) {
    throw new GcError('EIMAGE_CREDENTIALS', `credentials file ${file}: "auths" must be an object of registries`);
  }
  return parsed as AuthFile;
}

function keysOf(auths: NonNullable<AuthFile['auths']>, registry: string): string[] {
  const wanted = normalizeRegistry(registry);
  return Object.keys(auths).filter((key) => normalizeRegistry(key) === wanted);
}

/**
 * The credentials for `registry` from the first of `files` that holds them
 * (Docker's format: `{"auths": {"<registry>": {"auth": base64("user:password")}}}`),
 * or undefined. Missing files are passed over; a malformed one is an error
 * naming it.
 */
export function readCredentials(files: readonly string[], registry: string): RegistryCredentials | undefined {
  for (const file of files) {
    const auths = readAuthFile(file)?.auths;
    if (auths === undefined) continue;
    for (const key of keysOf(auths, registry)) {
      const auth = auths[key]?.auth;
      if (typeof auth !== 'string' || auth === '') continue;
      const decoded = Buffer.from(auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new GcError(
          'EIMAGE_CREDENTIALS',
          `credentials file ${file}: auths[${JSON.stringify(key)}].auth is not base64 of "user:password"`,
        );
      }
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}

// Temp file + fsync + rename: a crash leaves the old file or the new one. 0600: it holds passwords.
function writeAuthFile(file: string, content: AuthFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(content, null, '\t')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new GcError('EIMAGE_CREDENTIALS', `credentials file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Save credentials for `registry` in `file`, keeping the file's other entries and fields. */
export function saveCredentials(file: string, registry: string, credentials: RegistryCredentials): void {
  if (credentials.username === '' || credentials.username.includes(':')) {
    throw new GcError('EIMAGE_CREDENTIALS', 'username: expected a non-empty name without ":"');
  }
  const content = readAuthFile(file) ?? {};
  const auths = { ...(content.auths ?? {}) };
  for (const key of keysOf(auths, registry)) delete auths[key];
  const key = normalizeRegistry(registry) === DEFAULT_REGISTRY ? DOCKER_HUB_KEY : normalizeRegistry(registry);
  auths[key] = { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') };
  writeAuthFile(file, { ...content, auths });
}

/** Remove the credentials for `registry` from `file`; false when it held none. */
export function removeCredentials(file: string, registry: string): boolean {
  const content = readAuthFile(file);
  if (content?.auths === undefined) return false;
  const auths = { ...content.auths };
  const keys = keysOf(auths, registry);
  if (keys.length === 0) return false;
  for (const key of keys) delete auths[key];
  writeAuthFile(file, { ...content, auths });
  return true;
}
