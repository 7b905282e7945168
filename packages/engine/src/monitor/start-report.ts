/**
 * The one line a starter writes to its monitor on fd `GC_REPORT_FD` (3), and
 * the one line the monitor writes to the CLI that launched it: `pid N`
 * (starter) / `started N` (monitor), or `error CODE TEXT` for a container
 * that did not start (CODE: 125 setup, 126 not executable, 127 not found).
 */
export type StartReport = { readonly pid: number } | { readonly exitCode: number; readonly error: string };

/** What a starter writes. */
export function formatStartReport(report: StartReport): string {
  if ('pid' in report) return `pid ${report.pid}\n`;
  return `error ${report.exitCode} ${report.error.replaceAll('\n', ' ')}\n`;
}

/** What the monitor told the CLI; anything else (nothing: it died) is a setup failure. */
export function parseMonitorReport(text: string): StartReport {
  const started = /^started (\d+)\n?$/.exec(text);
  if (started) return { pid: Number(started[1]) };
  const failed = /^error (\d+) ([^\n]*)/.exec(text);
  if (failed) return { exitCode: Number(failed[1]), error: failed[2] as string };
  return {
    exitCode: 125,
    error:
      text === ''
        ? 'the container monitor ended without starting the container'
        : `the container monitor said: ${text.trim()}`,
  };
}
