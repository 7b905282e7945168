import { ContainerExistsError, ContainerStatusError } from '../errors.js';

/**
 * A container's status: the runtime spec's four, and `paused` (runc's, which
 * engines use for a frozen cgroup).
 */
export type ContainerStatus = 'creating' | 'created' | 'running' | 'stopped' | 'paused';

export const CONTAINER_STATUSES: readonly ContainerStatus[] = ['creating', 'created', 'running', 'stopped', 'paused'];

/** What can be asked of a container (the runtime's commands that name one). */
export type Operation =
  | 'create'
  | 'start'
  | 'kill'
  | 'delete'
  | 'pause'
  | 'resume'
  | 'exec'
  | 'update'
  | 'state'
  | 'ps'
  | 'events';

/**
 * The statuses each operation is allowed in: the one place that says so.
 * As runc: `create` only of an id not in use; `delete` of a created container
 * too (it ends the waiting init: engines delete a container whose start never
 * came; `delete --force` kills first, then deletes the stopped container);
 * `kill` and `pause` of a created one; `update` and `ps` while it has a
 * cgroup with something in it, and `events` (runc: not of a stopped
 * one); `state` always.
 */
export const ALLOWED: { readonly [op in Operation]: readonly ContainerStatus[] } = {
  create: [],
  start: ['created'],
  kill: ['created', 'running', 'paused'],
  delete: ['created', 'stopped'],
  pause: ['created', 'running'],
  resume: ['paused'],
  exec: ['created', 'running'],
  update: ['created', 'running', 'paused'],
  state: CONTAINER_STATUSES,
  ps: ['created', 'running', 'paused'],
  events: ['created', 'running', 'paused'],
};

export function isAllowed(operation: Operation, status: ContainerStatus): boolean {
  return ALLOWED[operation].includes(status);
}

/**
 * Throws unless the container's status allows the operation: a
 * ContainerExistsError for a create of an existing container, else a
 * ContainerStatusError naming the container, the operation and the status.
 */
export function assertAllowed(operation: Operation, id: string, status: ContainerStatus): void {
  if (isAllowed(operation, status)) return;
  if (operation === 'create') throw new ContainerExistsError(id);
  throw new ContainerStatusError(id, operation, status, ALLOWED[operation]);
}
