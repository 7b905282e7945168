import { readSync } from 'node:fs';
import { posix } from 'node:path';
import { GcError, O_PATH } from '@gc/syscall';
import { ENGINE_CP_PATHS } from './copy-plan.js';
import type { CopyOptions } from './copy-tree.js';
import { cpError, missing, type RootedFs, statFd } from './rooted-fs.js';
import { createTarReader } from './tar-reader.js';
import { createTarWriter } from './tar-writer.js';
import { openTreeSource } from './tree-walker.js';
import { createTreeWriter } from './tree-writer.js';

/** `cp CONTAINER:SRC -`: SRC as a tar stream on `fd`, its entries named from SRC's own name. */
export function copyToTar(source: RootedFs, sourcePath: string, fd: number, options: CopyOptions = {}): void {
  const src = openTreeSource(source, sourcePath, options.followLink ? { followLink: true } : {});
  try {
    const name = sourcePath.endsWith('/.') ? '.' : posix.basename(posix.normalize(sourcePath));
    const writer = createTarWriter(fd, name === '' ? '.' : name);
    src.walk(writer);
    writer.finish();
  } finally {
    src.close();
  }
}

/**
 * `cp - CONTAINER:DEST`: the tar stream read from `fd` extracted into the
 * directory DEST (Docker's "extraction point is not a directory" otherwise),
 * every entry made as copyTree makes them: inside the root, owners kept
 * only with `archive`.
 */
export function copyFromTar(
  fd: number,
  destination: RootedFs,
  destinationPath: string,
  options: CopyOptions = {},
): void {
  const destFd = missing(() => destination.open(destinationPath, O_PATH));
  if (destFd === undefined) throw cpError(destination, 'open', destinationPath, new Error('no such directory'));
  const isDir = statFd(destFd).isDirectory();
  destination.kernel.close(destFd);
  if (!isDir) throw new GcError(ENGINE_CP_PATHS, `cp: extraction point is not a directory: ${destinationPath}`);
  const writer = createTreeWriter(destination, destinationPath, '', { keepOwners: options.archive ?? false });
  const reader = createTarReader(writer);
  const buffer = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) break;
      reader.push(buffer.subarray(0, n));
    }
    reader.end();
  } catch (e) {
    writer.abort();
    throw e;
  }
  writer.finish();
}
