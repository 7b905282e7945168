import type { RunImage } from '@gc/engine';
import { readLayerFile } from '@gc/image/store';
import { GcError } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { findImage, openImageStore } from '../../image-store.js';

/**
 * `explain run IMAGE`'s image: found in the store as `run --pull never`
 * finds it, its layers already unpacked. Nothing is pulled, unpacked or held.
 */
export async function findExplainImage(name: string, global: GlobalOptions): Promise<RunImage> {
  const store = openImageStore(global);
  const record = findImage(store, name);
  if (record === undefined) {
    throw new GcError(
      'EIMAGE_NOT_FOUND',
      `explain: no such image: ${name} (explain pulls nothing: pull it or load it first)`,
    );
  }
  const layers = store.unpackedLayers(record);
  if (layers?.length === 0) {
    throw new GcError('EIMAGE_EMPTY', `explain: the image ${name} has no layers: it has no files to run`);
  }
  if (layers === undefined) {
    throw new GcError(
      'EIMAGE_NOT_UNPACKED',
      `explain: the layers of ${name} are not unpacked yet, and explain unpacks nothing: run it once first`,
    );
  }
  return {
    name,
    config: record.config.config ?? {},
    layers,
    readFile: (path) => readLayerFile(layers, path)?.toString('utf8'),
  };
}
