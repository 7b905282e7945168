import { GcError } from '@gc/syscall';
import { controlCharacter, show } from './check-path.js';
import { workdir } from './path-options.js';
import { usageError } from './usage-error.js';

/** The parts of an image's config (`config` of image-spec's config.md) a container starts from. */
export interface ImageRunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
}

/** What `run IMAGE` needs of the image, beyond its config: the unpacked layers, and a way to read its files. */
export interface RunImage {
  /** The image's name as given, for errors. */
  name: string;
  config: ImageRunConfig;
  /** The layer directories, top-most first (overlayfs's lowerdir order). */
  layers: string[];
  /** A file of the image, read through its layers; undefined when missing. */
  readFile: (path: string) => string | undefined;
}

/**
 * The command line of the container, as Docker makes it: the image's
 * Entrypoint, then the COMMAND given after the image (else the image's Cmd).
 * `--entrypoint X` replaces the Entrypoint and drops the image's Cmd;
 * `--entrypoint ''` clears the Entrypoint (and the Cmd too). Nothing left is
 * Docker's "no command specified".
 */
export function imageArgs(image: RunImage, command: readonly string[], entrypoint: string | undefined): string[] {
  let args: string[];
  if (entrypoint !== undefined) {
    args = [...(entrypoint === '' ? [] : [entrypoint]), ...command];
  } else {
    const cmd = command.length > 0 ? command : (image.config.Cmd ?? []);
    args = [...(image.config.Entrypoint ?? []), ...cmd];
  }
  if (args.length === 0) {
    throw usageError(
      `run: no command specified: the image ${image.name} has no Entrypoint nor Cmd (give a COMMAND after the image)`,
    );
  }
  if (args[0] === '') throw usageError('run: the command is an empty string');
  return args;
}

/** The image's WorkingDir, checked as `-w` is (Docker refuses a relative one); undefined when it has none. */
export function imageWorkdir(image: RunImage): string | undefined {
  const dir = image.config.WorkingDir;
  if (dir === undefined || dir === '') return undefined;
  if (!dir.startsWith('/')) {
    throw new GcError(
      'EIMAGE_CONFIG',
      `image ${image.name}: config.WorkingDir ${show(dir)} is invalid: it needs to be an absolute path`,
    );
  }
  return workdir(dir);
}

/** The image's User (`user[:group]`); undefined when it has none (root). */
export function imageUser(image: RunImage): string | undefined {
  const user = image.config.User;
  if (user === undefined || user === '') return undefined;
  if (!/^[^:\s]+(:[^:\s]+)?$/.test(user) || controlCharacter(user) !== undefined) {
    throw new GcError(
      'EIMAGE_CONFIG',
      `image ${image.name}: config.User ${show(user)} is not USER, UID, USER:GROUP or UID:GID`,
    );
  }
  return user;
}

/** The image's Env entries that are `NAME=VALUE` (an entry without `=` sets nothing, as with Docker). */
export function imageEnv(image: RunImage): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of image.config.Env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) out.push([entry.slice(0, eq), entry.slice(eq + 1)]);
  }
  return out;
}

export type PullPolicy = 'missing' | 'always' | 'never';

/** `--pull`: Docker's policies (default missing). */
export function pullPolicy(value: string | undefined): PullPolicy {
  if (value === undefined) return 'missing';
  if (value === 'missing' || value === 'always' || value === 'never') return value;
  throw usageError(`--pull: ${show(value)} is not a pull policy (expected missing, always or never)`);
}
