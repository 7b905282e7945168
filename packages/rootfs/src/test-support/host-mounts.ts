import { readFileSync } from 'node:fs';

/** The host's mount points that mention `text` (none should outlive a container). */
export function hostMountsMentioning(text: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(text));
}
