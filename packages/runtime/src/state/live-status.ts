import { ownerIsAlive } from '../process-owner.js';
import type { ContainerRecord } from './record.js';
import type { ContainerStatus } from './status.js';

export interface LiveStatusOptions {
  /**
   * Is the container's cgroup frozen? Asked of a running or paused container
   * whose init lives, so that a freeze or thaw done outside the runtime is
   * seen (pause and resume record theirs); undefined keeps the recorded one.
   * Without the hook, the record decides.
   */
  frozen?: (record: ContainerRecord) => boolean | undefined;
}

/**
 * The status a container has now: the recorded one, unless its process has
 * died. `creating` lasts while the creator runs; `created`, `running` and
 * `paused` while the init runs (the same pid with the same start time: a pid
 * the kernel gave to a new process reads stopped, as does a zombie).
 */
export function liveStatus(record: ContainerRecord, options: LiveStatusOptions = {}): ContainerStatus {
  switch (record.status) {
    case 'stopped':
      return 'stopped';
    case 'creating':
      return record.creator !== undefined && ownerIsAlive(record.creator) ? 'creating' : 'stopped';
    case 'created':
      return record.init !== undefined && ownerIsAlive(record.init) ? 'created' : 'stopped';
    case 'running':
    case 'paused': {
      if (record.init === undefined || !ownerIsAlive(record.init)) return 'stopped';
      const frozen = options.frozen?.(record);
      if (frozen === undefined) return record.status;
      if (frozen) return 'paused';
      // Thawed by someone else: paused before its start, it still waits for it.
      return record.status === 'paused' && record.started === undefined ? 'created' : 'running';
    }
  }
}
