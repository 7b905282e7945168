import { GcError } from '@gc/syscall';
import {
  type IdMapping,
  isNamespaceType,
  type JoinProcess,
  NAMESPACE_TYPES,
  type NamespaceSpec,
  type NamespaceType,
  type TimeOffset,
  type TimeOffsets,
} from './types.js';

/**
 * What `planNamespaces` takes: the namespace part of an OCI config's `linux`
 * object, and `joinProcess` (not in OCI) to join a process's namespaces by pidfd.
 */
export interface NamespaceInput {
  readonly namespaces: readonly NamespaceSpec[];
  readonly uidMappings?: readonly IdMapping[];
  readonly gidMappings?: readonly IdMapping[];
  readonly timeOffsets?: TimeOffsets;
  readonly joinProcess?: JoinProcess;
}

/** The error code of every invalid-configuration error of this package. */
export const INVALID_CONFIG = 'EINVAL_CONFIG';

/** The kernel refuses id maps longer than this (since Linux 4.15). */
export const MAX_ID_MAP_LINES = 340;

const ID_LIMIT = 2 ** 32;

function invalid(field: string, message: string): GcError {
  return new GcError(INVALID_CONFIG, `${field}: ${message}`);
}

/**
 * Check the namespace part of a config, naming the offending field as the OCI
 * spec does (`linux.namespaces[2].type`). Throws a GcError with code
 * `EINVAL_CONFIG`; returns nothing when all is well.
 */
export function validateNamespaceInput(input: NamespaceInput): void {
  if (typeof input !== 'object' || input === null) throw invalid('linux', 'expected an object');
  const specs = validateNamespaces(input.namespaces);
  const byPidfd = input.joinProcess === undefined ? [] : validateJoinProcess(input.joinProcess, input.namespaces);
  const hasUser = specs.has('user') || byPidfd.includes('user');
  for (const field of ['uidMappings', 'gidMappings'] as const) {
    const mappings = input[field];
    if (mappings === undefined) continue;
    validateIdMappings(mappings, `linux.${field}`);
    if (mappings.length > 0 && !hasUser) {
      throw invalid(`linux.${field}`, 'id mappings need a user namespace: add {"type": "user"} to linux.namespaces');
    }
  }
  if (input.timeOffsets !== undefined) {
    const present = validateTimeOffsets(input.timeOffsets);
    const time = specs.get('time');
    if (present && byPidfd.includes('time')) {
      throw invalid('linux.timeOffsets', 'time offsets cannot be set on the time namespace joined by joinProcess');
    }
    if (present && time === undefined) {
      throw invalid(
        'linux.timeOffsets',
        'time offsets need a new time namespace: add {"type": "time"} to linux.namespaces',
      );
    }
    // Offsets can only be written before a process enters the namespace: a joined one already has some.
    if (present && time?.path !== undefined) {
      throw invalid('linux.timeOffsets', `time offsets cannot be set on the joined time namespace ${time.path}`);
    }
  }
}

/** The specs by type; throws on an unknown type, a duplicate or a bad path. */
export function validateNamespaces(namespaces: readonly NamespaceSpec[]): Map<NamespaceType, NamespaceSpec> {
  if (!Array.isArray(namespaces)) throw invalid('linux.namespaces', 'expected an array');
  const byType = new Map<NamespaceType, NamespaceSpec>();
  namespaces.forEach((spec: NamespaceSpec, i) => {
    const field = `linux.namespaces[${i}]`;
    if (typeof spec !== 'object' || spec === null) throw invalid(field, 'expected an object { type, path? }');
    if (!isNamespaceType(spec.type)) {
      throw invalid(
        `${field}.type`,
        `${JSON.stringify(spec.type)} is not a namespace type (${NAMESPACE_TYPES.join(', ')})`,
      );
    }
    const earlier = namespaces.findIndex((s) => s?.type === spec.type);
    if (earlier !== i) {
      throw invalid(`${field}.type`, `"${spec.type}" is listed twice (also linux.namespaces[${earlier}])`);
    }
    if (spec.path !== undefined) {
      if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) {
        throw invalid(`${field}.path`, `${JSON.stringify(spec.path)} is not an absolute path`);
      }
      if (spec.path.includes('\0')) throw invalid(`${field}.path`, 'contains a NUL byte');
    }
    byType.set(spec.type, spec);
  });
  return byType;
}

/**
 * The types of a pidfd join; throws on a bad pidfd, an empty or bad type list,
 * and a type also in `namespaces` (a namespace is new, joined by path, or
 * joined by pidfd: one of them).
 */
function validateJoinProcess(join: JoinProcess, namespaces: readonly NamespaceSpec[]): readonly NamespaceType[] {
  const field = 'joinProcess';
  if (typeof join !== 'object' || join === null) throw invalid(field, 'expected { pidfd, types }');
  if (!Number.isInteger(join.pidfd) || join.pidfd < 0 || join.pidfd > 0x7fffffff) {
    throw invalid(`${field}.pidfd`, `${JSON.stringify(join.pidfd)} is not an fd number`);
  }
  if (!Array.isArray(join.types) || join.types.length === 0) {
    throw invalid(`${field}.types`, 'expected a non-empty array of namespace types');
  }
  join.types.forEach((type: NamespaceType, i) => {
    const at = `${field}.types[${i}]`;
    if (!isNamespaceType(type)) {
      throw invalid(at, `${JSON.stringify(type)} is not a namespace type (${NAMESPACE_TYPES.join(', ')})`);
    }
    const earlier = join.types.indexOf(type);
    if (earlier !== i) throw invalid(at, `"${type}" is listed twice (also ${field}.types[${earlier}])`);
    const spec = namespaces.findIndex((s) => s.type === type);
    if (spec !== -1) {
      throw invalid(at, `"${type}" is also in linux.namespaces[${spec}]: a namespace is new, or joined one way`);
    }
  });
  return join.types;
}

/** Each mapping well formed, and no two overlapping on either side (the kernel refuses both). */
export function validateIdMappings(mappings: readonly IdMapping[], field: string): void {
  if (!Array.isArray(mappings)) throw invalid(field, 'expected an array of { containerID, hostID, size }');
  if (mappings.length > MAX_ID_MAP_LINES) {
    throw invalid(field, `${mappings.length} mappings, the kernel takes at most ${MAX_ID_MAP_LINES}`);
  }
  mappings.forEach((m: IdMapping, i) => {
    if (typeof m !== 'object' || m === null) throw invalid(`${field}[${i}]`, 'expected { containerID, hostID, size }');
    for (const key of ['containerID', 'hostID', 'size'] as const) {
      const v = m[key];
      if (!Number.isInteger(v) || v < 0 || v >= ID_LIMIT) {
        throw invalid(`${field}[${i}].${key}`, `${JSON.stringify(v)} is not an integer in 0..${ID_LIMIT - 1}`);
      }
    }
    if (m.size === 0) throw invalid(`${field}[${i}].size`, 'must be at least 1');
    for (const key of ['containerID', 'hostID'] as const) {
      if (m[key] + m.size > ID_LIMIT) {
        throw invalid(`${field}[${i}]`, `${key} ${m[key]} + size ${m.size} runs past ${ID_LIMIT - 1}`);
      }
    }
  });
  for (let i = 0; i < mappings.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = mappings[j] as IdMapping;
      const b = mappings[i] as IdMapping;
      for (const key of ['containerID', 'hostID'] as const) {
        if (a[key] < b[key] + b.size && b[key] < a[key] + a.size) {
          throw invalid(`${field}[${i}]`, `its ${key} range overlaps ${field}[${j}]`);
        }
      }
    }
  }
}

/** True when at least one clock has an offset. */
function validateTimeOffsets(offsets: TimeOffsets): boolean {
  const field = 'linux.timeOffsets';
  if (typeof offsets !== 'object' || offsets === null) throw invalid(field, 'expected { monotonic?, boottime? }');
  let present = false;
  for (const [clock, offset] of Object.entries(offsets) as [string, TimeOffset | undefined][]) {
    if (clock !== 'monotonic' && clock !== 'boottime') {
      throw invalid(`${field}.${clock}`, 'is not a clock of a time namespace (monotonic, boottime)');
    }
    if (offset === undefined) continue;
    if (typeof offset !== 'object' || offset === null)
      throw invalid(`${field}.${clock}`, 'expected { secs, nanosecs }');
    if (!Number.isSafeInteger(offset.secs)) {
      throw invalid(`${field}.${clock}.secs`, `${JSON.stringify(offset.secs)} is not an integer`);
    }
    if (!Number.isInteger(offset.nanosecs) || offset.nanosecs < 0 || offset.nanosecs > 999_999_999) {
      throw invalid(
        `${field}.${clock}.nanosecs`,
        `${JSON.stringify(offset.nanosecs)} is not an integer in 0..999999999`,
      );
    }
    present = true;
  }
  return present;
}
