import type { Descriptor } from '../descriptor.js';
import type { ImageStore } from '../store/image-store.js';
import { validateConfig } from '../validate/validate-config.js';
import { type ArchiveContents, METADATA_LIMIT, resolveEntry, type StoredEntry } from './archive-entries.js';
import { fullName } from './image-names.js';
import { addPlan, type PlannedImage } from './image-plan.js';
import {
  at,
  expectArray,
  expectObject,
  expectString,
  fail,
  optionalStrings,
  parseJson,
  type Where,
} from './json-fields.js';
import { synthesizeManifest } from './synthesize-manifest.js';
import { validated } from './validated.js';
import { checkDiffIds } from './verify-manifest.js';

const CONFIG_NAME = /^([a-f0-9]{64})\.json$/;

/** One item of a docker save archive's manifest.json, its files found in the archive. */
interface DockerSaveItem {
  where: Where;
  config: StoredEntry;
  layers: { entry: StoredEntry; where: Where }[];
  names: string[];
}

/** The items of manifest.json, each file it names found (through the archive's links). */
export function readDockerSaveManifest(contents: ArchiveContents): DockerSaveItem[] {
  const data = contents.metadata.get('manifest.json');
  if (data === undefined) return [];
  const where: Where = { source: contents.source, field: 'manifest.json' };
  const items = expectArray(parseJson(data, where), where);
  return items.map((value, i) => {
    const itemWhere = at(where, i);
    const item = expectObject(value, itemWhere);
    const configWhere = at(itemWhere, 'Config');
    const configName = expectString(item.Config, configWhere);
    const config = find(contents, configName, configWhere);
    const hex = CONFIG_NAME.exec(configName)?.[1];
    if (hex !== undefined && config.digest !== `sha256:${hex}`) {
      throw fail(configWhere, `${JSON.stringify(configName)} holds ${config.digest}, not the digest its name says`);
    }
    const layersWhere = at(itemWhere, 'Layers');
    const layers = expectArray(item.Layers, layersWhere).map((layer, j) => {
      const layerWhere = at(layersWhere, j);
      return { entry: find(contents, expectString(layer, layerWhere), layerWhere), where: layerWhere };
    });
    const tagsWhere = at(itemWhere, 'RepoTags');
    const names = optionalStrings(item.RepoTags, tagsWhere).map((tag, j) => fullName(tag, at(tagsWhere, j)));
    return { where: itemWhere, config, layers, names };
  });
}

function find(contents: ArchiveContents, name: string, where: Where): StoredEntry {
  const entry = resolveEntry(contents, name);
  if (entry === undefined) throw fail(where, `${JSON.stringify(name)} is not a file in the archive`);
  return entry;
}

/**
 * The images of a docker save archive: its configs and layers checked (the
 * config's diff_ids one per layer, an uncompressed layer's digest its diff
 * ID), each given a synthesized Docker schema 2 manifest.
 */
export async function planDockerSave(store: ImageStore, contents: ArchiveContents): Promise<PlannedImage[]> {
  const plans: PlannedImage[] = [];
  for (const item of readDockerSaveManifest(contents)) {
    const configWhere = at(item.where, 'Config');
    if (item.config.size > METADATA_LIMIT) {
      throw fail(configWhere, `${item.config.size} bytes, more than the ${METADATA_LIMIT} a config may have`);
    }
    const config = expectObject(parseJson(store.readBlob(item.config.digest), configWhere), configWhere);
    const diffIds = checkDiffIds(config, item.layers.length, configWhere);
    validated(validateConfig, config, configWhere);
    for (const [j, layer] of item.layers.entries()) {
      if (layer.entry.compression === 'none' && layer.entry.digest !== diffIds[j]) {
        throw fail(
          layer.where,
          `the layer's sha256 is ${layer.entry.digest}, the config's rootfs.diff_ids[${j}] is ${diffIds[j]}`,
        );
      }
    }
    const manifest = await synthesizeManifest(
      store,
      item.config,
      item.layers.map((layer) => layer.entry),
    );
    const configDescriptor: Descriptor = { mediaType: '', digest: item.config.digest, size: item.config.size };
    addPlan(plans, { manifest, config: configDescriptor, names: [...item.names], tagsWithoutName: [] });
  }
  return plans;
}
