import { ContainerStartError, GcError } from '@gc/runtime';

/** One line, whatever the message holds (a value with a newline, say). */
function oneLine(message: string): string {
  return message.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** Print an error the way a user wants to read it, and return the exit code for it. */
export function reportError(e: unknown): number {
  if (
    e instanceof ContainerStartError ||
    (GcError.isInstance(e) && typeof (e as { exitCode?: unknown }).exitCode === 'number')
  ) {
    process.stderr.write(`gocontainer: ${oneLine((e as Error).message)}\n`);
    return (e as ContainerStartError).exitCode;
  }
  if (GcError.isInstance(e)) {
    process.stderr.write(`gocontainer: ${oneLine(e.message)}\n`);
    return 125;
  }
  process.stderr.write(`gocontainer: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 125;
}
