/** How much of a hook's output an error message holds: the end, where the reason usually is. */
export const HOOK_OUTPUT_LIMIT = 4096;

/**
 * A hook's stdout and stderr as an error message shows them: trimmed, and
 * only the last `HOOK_OUTPUT_LIMIT` characters, from a line's start when the
 * cut falls inside a line, after `...`.
 */
export function boundHookOutput(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= HOOK_OUTPUT_LIMIT) return trimmed;
  const tail = trimmed.slice(trimmed.length - HOOK_OUTPUT_LIMIT);
  const newline = tail.indexOf('\n');
  return `...${newline >= 0 && newline < tail.length - 1 ? tail.slice(newline + 1) : tail}`;
}
