import { ZERO_TIME } from '../store/container-record.js';
import { humanDuration } from './human-duration.js';
import type { LiveState } from './live-state.js';

const since = (time: string, now: number) => humanDuration(Math.max(0, now - Date.parse(time)));

/**
 * Docker's `STATUS` column (moby's `State.String()`): `Up 5 minutes`,
 * `Up 2 hours (Paused)`, `Restarting (1) 3 seconds ago`,
 * `Exited (0) 3 seconds ago`, `Created`, `Dead`.
 */
export function statusText(state: LiveState, now = Date.now()): string {
  switch (state.status) {
    case 'running':
    case 'paused':
      return `Up ${since(state.startedAt, now)}${state.paused ? ' (Paused)' : ''}`;
    case 'restarting':
      return `Restarting (${state.exitCode}) ${since(state.finishedAt, now)} ago`;
    case 'exited':
      // A start that failed: it never ran (Docker shows "Created" then too).
      if (state.startedAt === ZERO_TIME) return 'Created';
      // The monitor was killed: nobody saw when it ended.
      if (state.finishedAt === ZERO_TIME) return `Exited (${state.exitCode})`;
      return `Exited (${state.exitCode}) ${since(state.finishedAt, now)} ago`;
    case 'dead':
      return 'Dead';
    case 'created':
      return 'Created';
  }
}
