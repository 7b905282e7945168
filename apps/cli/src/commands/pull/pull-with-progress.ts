import { writeSync } from 'node:fs';
import {
  defaultCredentialFiles,
  familiarName,
  formatReference,
  type ImageRecord,
  type ImageStore,
  parseReference,
  pullImage,
} from '@gc/image';
import { createLayerProgress } from '../../progress/layer-progress.js';

export interface PullOutput {
  /** Where the lines go: `pull` writes to stdout, `run` to stderr (stdout is the container's). */
  fd: 1 | 2;
  terminal: boolean;
  /** `pull -q`: no progress, only the name at the end (the caller prints it). */
  quiet?: boolean;
}

export interface PullWithProgressOptions {
  platform?: string;
  signal?: AbortSignal;
}

/**
 * `docker pull`'s output around pullImage: `latest: Pulling from
 * library/busybox`, a line per layer (redrawn bars on a terminal), then
 * `Digest:` and `Status:`. `name` as the user typed it.
 */
export async function pullWithProgress(
  store: ImageStore,
  name: string,
  out: PullOutput,
  options: PullWithProgressOptions = {},
): Promise<ImageRecord> {
  const ref = parseReference(name, 'image');
  const full = formatReference(ref);
  const say = (line: string) => {
    if (!out.quiet) writeSync(out.fd, `${line}\n`);
  };
  // As Docker, once the manifest is resolved (its first layer event): a missing tag shows only the error.
  let announced = false;
  const announce = () => {
    if (!announced) say(`${ref.digest ?? ref.tag}: Pulling from ${ref.repository}`);
    announced = true;
  };
  const before = store.findImage(full);
  const progress = out.quiet ? undefined : await createLayerProgress(out.fd, out.terminal);
  let record: ImageRecord;
  try {
    record = await pullImage(store, ref, {
      ...(options.platform !== undefined ? { platform: options.platform } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      credentialFiles: defaultCredentialFiles(process.env),
      onProgress: (p) => {
        announce();
        progress?.update(
          p.id,
          p.status,
          p.current !== undefined && p.total !== undefined && (p.status === 'Downloading' || p.status === 'Extracting')
            ? { current: p.current, total: p.total }
            : undefined,
        );
      },
    });
    announce();
  } finally {
    progress?.stop();
  }
  const repoDigest = record.repoDigests.find((d) => d.startsWith(`${ref.registry}/${ref.repository}@`));
  if (repoDigest !== undefined) say(`Digest: ${repoDigest.slice(repoDigest.indexOf('@') + 1)}`);
  const shown = familiarName(ref);
  say(
    before?.manifest.digest === record.manifest.digest
      ? `Status: Image is up to date for ${shown}`
      : `Status: Downloaded newer image for ${shown}`,
  );
  return record;
}
