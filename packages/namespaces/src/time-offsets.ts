import type { TimeOffsets } from './types.js';

/** The text written to /proc/self/timens_offsets: one `clock secs nanosecs` line per clock. */
export function formatTimeOffsets(offsets: TimeOffsets | undefined): string {
  let text = '';
  for (const clock of ['monotonic', 'boottime'] as const) {
    const offset = offsets?.[clock];
    if (offset !== undefined) text += `${clock} ${offset.secs} ${offset.nanosecs}\n`;
  }
  return text;
}
