import { GcError } from '@gc/syscall';
import type { ProcessOwner } from '../process-owner.js';
import type { Spec } from '../spec.js';
import { CONTAINER_STATUSES, type ContainerStatus } from './status.js';

/** What `state.json` holds for a container: written by the operations, read by every command. */
export interface ContainerRecord {
  readonly id: string;
  /** The bundle's absolute path. */
  readonly bundle: string;
  /** The spec's `annotations`. */
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * The status the last operation recorded. The live status also asks
   * whether the init still runs: see `liveStatus`.
   */
  readonly status: ContainerStatus;
  /** The container's init, once it was spawned: pid and start time, so that a reused pid is not taken for it. */
  readonly init?: ProcessOwner;
  /** The process that did the create: while the status is `creating`, the container lives as long as it does. */
  readonly creator?: ProcessOwner;
  /** When the create began (ISO 8601, UTC). */
  readonly created: string;
  /** The container's cgroup path, once it was made. */
  readonly cgroup?: string;
  /** The root filesystem's absolute path. */
  readonly rootfs: string;
  /** The uid that created it. */
  readonly owner: number;
  /**
   * The config.json create read and validated (`root.path` made absolute):
   * exec, update, events and delete's poststop hooks read it, not the bundle
   * (which may change after create, as with runc's state.json).
   */
  readonly config?: Spec;
  /** When start ran (ISO 8601, UTC). */
  readonly started?: string;
}

/** A `state.json` that is not a record: names the file and the field. */
export class StateFileError extends GcError {
  constructor(file: string, what: string, cause?: unknown) {
    super('ESTATEFILE', `read ${file}: ${what}`, { cause });
    this.name = 'StateFileError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOwner = (v: unknown): v is ProcessOwner =>
  isObject(v) && Number.isInteger(v.pid) && (v.pid as number) > 0 && Number.isInteger(v.start);

/** The record in `text`, checked field by field; throws a StateFileError naming the first wrong one. */
export function parseRecord(file: string, text: string): ContainerRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(file, `not JSON (${(e as Error).message})`, e);
  }
  if (!isObject(json)) throw new StateFileError(file, 'expected a JSON object');
  const wrong = (field: string, expected: string) => new StateFileError(file, `${field}: expected ${expected}`);
  for (const field of ['id', 'bundle', 'created', 'rootfs'] as const) {
    if (typeof json[field] !== 'string') throw wrong(field, 'a string');
  }
  if (!CONTAINER_STATUSES.includes(json.status as ContainerStatus)) {
    throw wrong('status', `one of ${CONTAINER_STATUSES.join(', ')}`);
  }
  const annotations = json.annotations;
  if (!isObject(annotations) || !Object.values(annotations).every((v) => typeof v === 'string')) {
    throw wrong('annotations', 'an object of strings');
  }
  if (!Number.isInteger(json.owner) || (json.owner as number) < 0) throw wrong('owner', 'a uid');
  for (const field of ['init', 'creator'] as const) {
    if (json[field] !== undefined && !isOwner(json[field])) throw wrong(field, '{ pid, start } integers');
  }
  if (json.cgroup !== undefined && typeof json.cgroup !== 'string') throw wrong('cgroup', 'a string');
  if (json.config !== undefined && !isObject(json.config)) throw wrong('config', 'a config.json object');
  if (json.started !== undefined && typeof json.started !== 'string') throw wrong('started', 'a string');
  return json as unknown as ContainerRecord;
}
