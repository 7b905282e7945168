import { containerNow } from '@gc/engine';
import { type ImageRecord, imageSize } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { renderTemplate } from '../../go-template.js';
import { runImageCommand } from '../../image-command.js';
import { showName } from '../../image-names.js';
import { findImage, openImageStore } from '../../image-store.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';
import { inspectContainer } from './container.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'format',
    long: 'format',
    short: 'f',
    value: 'TEMPLATE',
    help: 'a Go template per object ({{.Id}}, {{.State.Status}}, {{json .Config}})',
  },
];

const TYPE: OptionSpec = {
  key: 'type',
  long: 'type',
  value: 'container|image',
  help: 'only objects of this type (default: a container by that name or ID, else an image)',
};

const USAGE = `Usage: gocontainer inspect [OPTIONS] NAME|ID [NAME|ID...]

Show containers and images as a JSON array, close to docker inspect's: a
container by its name, ID or ID prefix first, else an image.
`;

const IMAGE_USAGE = `Usage: gocontainer image inspect [OPTIONS] IMAGE [IMAGE...]

Show images as a JSON array, close to docker image inspect's.
`;

const CONTAINER_USAGE = `Usage: gocontainer container inspect [OPTIONS] CONTAINER [CONTAINER...]

Show containers as a JSON array, close to docker container inspect's.
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

type ObjectType = 'container' | 'image';

/**
 * `gocontainer inspect` (containers, then images), `image inspect` and
 * `container inspect`: the objects found, and for each missing one an
 * error; exit 1 if any was missing, as Docker.
 */
export function inspectCommand(
  argv: readonly string[],
  global: GlobalOptions,
  name = 'inspect',
  only?: ObjectType,
): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: only === 'image' ? IMAGE_USAGE : only === 'container' ? CONTAINER_USAGE : USAGE,
      options: only === undefined ? [...OPTIONS, TYPE] : OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp:
        only === 'image'
          ? 'IMAGE [IMAGE...]'
          : only === 'container'
            ? 'CONTAINER [CONTAINER...]'
            : 'NAME|ID [NAME|ID...]',
      run({ flags, rest }) {
        const type = (flags.type as string | undefined) ?? only;
        if (type !== undefined && type !== 'container' && type !== 'image') {
          throw new UsageError(`${name}: --type: expected container or image, got ${JSON.stringify(type)}`);
        }
        const engine = type === 'image' ? undefined : engineContext(global);
        let images: ReturnType<typeof openImageStore> | undefined;
        const found: Record<string, unknown>[] = [];
        const missing: string[] = [];
        for (const text of rest) {
          const container = engine?.store.tryFind(text);
          if (container && engine) {
            found.push(inspectContainer(containerNow(engine, container), engine.store.logPath(container.id)));
            continue;
          }
          if (type === 'container') {
            missing.push(text);
            continue;
          }
          images ??= openImageStore(global);
          const image = findImage(images, text);
          if (image === undefined) missing.push(text);
          else found.push(inspectImage(image));
        }
        const what = type === 'image' ? 'image' : type === 'container' ? 'container' : 'object';
        const format = flags.format as string | undefined;
        if (format !== undefined) writeStdout(found.map((v) => `${renderTemplate(format, v)}\n`).join(''));
        else writeStdout(`${JSON.stringify(found, null, 4)}\n`);
        for (const text of missing) process.stderr.write(`gocontainer: ${name}: no such ${what}: ${text}\n`);
        return missing.length > 0 ? 1 : 0;
      },
    },
    argv,
  );
}
