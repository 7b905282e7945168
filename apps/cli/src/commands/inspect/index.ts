import { type ImageRecord, imageSize } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { renderTemplate } from '../../go-template.js';
import { runImageCommand } from '../../image-command.js';
import { showName } from '../../image-names.js';
import { findImage, openImageStore } from '../../image-store.js';
import { writeStdout } from '../../write-stdout.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'format',
    long: 'format',
    short: 'f',
    value: 'TEMPLATE',
    help: 'a Go template per image ({{.Id}}, {{json .Config}})',
  },
];

const USAGE = `Usage: gocontainer inspect [OPTIONS] IMAGE [IMAGE...]

Show images as a JSON array, close to docker image inspect's.
`;

/** An image as `docker image inspect` shows it. */
export function inspectImage(image: ImageRecord): Record<string, unknown> {
  const c = image.config.config ?? {};
  return {
    Id: image.id,
    RepoTags: image.names.map(showName),
    RepoDigests: image.repoDigests.map(showName),
    Parent: '',
    Comment: image.config.history?.at(-1)?.comment ?? '',
    Created: image.config.created ?? '0001-01-01T00:00:00Z',
    DockerVersion: '',
    Author: image.config.author ?? '',
    Config: {
      User: c.User ?? '',
      ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: null,
      Labels: c.Labels ?? null,
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    },
    Architecture: image.config.architecture,
    ...(image.config.variant ? { Variant: image.config.variant } : {}),
    Os: image.config.os,
    Size: imageSize(image),
    // The stored, compressed bytes (manifest, config and layers), as `docker image ls --tree`'s CONTENT SIZE.
    ContentSize: image.size,
    RootFS: { Type: 'layers', Layers: image.diffIds },
    Metadata: { LastTagTime: image.added },
    Descriptor: image.manifest,
  };
}

/**
 * `gocontainer inspect` (and `image inspect`): the found images, and for
 * each missing one an error; exit 1 if any was missing, as Docker.
 */
export function inspectCommand(argv: readonly string[], global: GlobalOptions, name = 'inspect'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer inspect', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'IMAGE [IMAGE...]',
      run({ flags, rest }) {
        const store = openImageStore(global);
        const found: Record<string, unknown>[] = [];
        const missing: string[] = [];
        for (const text of rest) {
          const image = findImage(store, text);
          if (image === undefined) missing.push(text);
          else found.push(inspectImage(image));
        }
        const format = flags.format as string | undefined;
        if (format !== undefined) writeStdout(found.map((v) => `${renderTemplate(format, v)}\n`).join(''));
        else writeStdout(`${JSON.stringify(found, null, 4)}\n`);
        for (const text of missing) process.stderr.write(`gocontainer: ${name}: no such image: ${text}\n`);
        return missing.length > 0 ? 1 : 0;
      },
    },
    argv,
  );
}
