import { GcError } from '@gc/syscall';
import type { ContainerStatus } from '../status/live-state.js';
import type { ContainerRecord } from '../store/container-record.js';

/** A `--filter` that is no `KEY=VALUE` of a key there is, or a status there is not. */
export const ENGINE_BAD_FILTER = 'ENGINE_BAD_FILTER';

const STATUSES: readonly ContainerStatus[] = ['created', 'restarting', 'running', 'paused', 'exited', 'dead'];
const KEYS = ['status', 'name', 'id', 'label', 'exited'] as const;
type Key = (typeof KEYS)[number];

/** `--filter` values by key: a container matches when, for every key given, one of its values matches (Docker's rule). */
export type ContainerFilter = ReadonlyMap<Key, readonly string[]>;

/** What a filter looks at of a container. */
export interface FilterSubject {
  readonly record: ContainerRecord;
  readonly status: ContainerStatus;
  readonly exitCode: number;
}

/** `docker ps --filter` values (`status=running`, `name=web`, `id=3f2`, `label=a=b`, `exited=0`). */
export function parseFilters(values: readonly string[], flag = '--filter'): ContainerFilter {
  const filter = new Map<Key, string[]>();
  for (const text of values) {
    const eq = text.indexOf('=');
    const key = text.slice(0, eq) as Key;
    const value = text.slice(eq + 1);
    if (eq <= 0 || !KEYS.includes(key)) {
      throw new GcError(
        ENGINE_BAD_FILTER,
        `${flag}: expected KEY=VALUE with KEY one of ${KEYS.join(', ')}, got ${JSON.stringify(text)}`,
      );
    }
    if (key === 'status' && !STATUSES.includes(value as ContainerStatus)) {
      throw new GcError(
        ENGINE_BAD_FILTER,
        `${flag}: status: expected one of ${STATUSES.join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
    if (key === 'exited' && !/^-?\d+$/.test(value)) {
      throw new GcError(ENGINE_BAD_FILTER, `${flag}: exited: expected an exit code, got ${JSON.stringify(value)}`);
    }
    filter.set(key, [...(filter.get(key) ?? []), value]);
  }
  return filter;
}

function matchesOne(key: Key, value: string, c: FilterSubject): boolean {
  switch (key) {
    case 'status':
      return c.status === value;
    case 'name':
      // Docker matches names as a regular expression, against "/name"; a plain word is a substring.
      try {
        return new RegExp(value).test(`/${c.record.name}`);
      } catch {
        return `/${c.record.name}`.includes(value);
      }
    case 'id':
      return c.record.id.startsWith(value);
    case 'label': {
      const eq = value.indexOf('=');
      const labels = c.record.config.labels;
      return eq === -1 ? Object.hasOwn(labels, value) : labels[value.slice(0, eq)] === value.slice(eq + 1);
    }
    case 'exited':
      return c.status === 'exited' && c.exitCode === Number(value);
  }
}

export function matchesFilter(filter: ContainerFilter, c: FilterSubject): boolean {
  for (const [key, values] of filter) if (!values.some((v) => matchesOne(key, v, c))) return false;
  return true;
}

/** `ps` without `-a` shows the running ones only, unless a status filter asks for others (Docker's rule). */
export function filterAsksForStopped(filter: ContainerFilter): boolean {
  return filter.has('status') || filter.has('exited');
}
