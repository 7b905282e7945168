import { GcError } from '@gc/syscall';
import { logError, logWarning } from './log.js';

/** One line, whatever the message holds (a value with a newline, say). */
function oneLine(message: string): string {
  return message.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

function say(message: string): void {
  process.stderr.write(`gocontainer: ${oneLine(message)}\n`);
  logError(message);
}

/** A failure that does not fail the command (a poststart or poststop hook): stderr and the log. */
export function reportWarning(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`gocontainer: warning: ${oneLine(message)}\n`);
  logWarning(message);
}

/**
 * Print an error the way a user wants to read it (and write it to the
 * `--log` file), and return the exit code for it.
 */
export function reportError(e: unknown): number {
  // A ContainerStartError (the container's own code: 125, 126, 127) or a UsageError.
  if (GcError.isInstance(e) && typeof (e as { exitCode?: unknown }).exitCode === 'number') {
    say(e.message);
    return (e as GcError & { exitCode: number }).exitCode;
  }
  if (GcError.isInstance(e)) {
    say(e.message);
    return 125;
  }
  say(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 125;
}
