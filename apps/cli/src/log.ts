import { appendFileSync } from 'node:fs';
import type { GlobalOptions, LogFormat } from './global-options.js';

/**
 * The `--log` file, as runc writes it (engines such as containerd's shim read
 * it and show its last error to their users): one line per record, logrus's
 * `time="..." level=error msg="..."` or `{"level":"error","msg":...,"time":...}`.
 * Without `--log` nothing is logged but what stderr says.
 */
interface LogSink {
  file: string;
  format: LogFormat;
  debug: boolean;
}

let sink: LogSink | undefined;

/** logrus's level names, as runc writes them. */
export type LogLevel = 'error' | 'warning' | 'debug';

/** Where this process logs, from the global options (once, at start-up). */
export function openLog(global: GlobalOptions): void {
  sink = global.log
    ? { file: global.log, format: global.logFormat ?? 'text', debug: global.debug ?? false }
    : undefined;
}

/** One record in logrus's format. `time` is RFC 3339 in UTC, to the second, as runc's. */
export function formatLogRecord(format: LogFormat, level: LogLevel, msg: string, time: Date): string {
  const at = `${time.toISOString().slice(0, 19)}Z`;
  if (format === 'json') return `${JSON.stringify({ level, msg, time: at })}\n`;
  return `time="${at}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

function write(level: LogLevel, msg: string): void {
  if (!sink) return;
  try {
    appendFileSync(sink.file, formatLogRecord(sink.format, level, msg, new Date()), { mode: 0o644 });
  } catch (e) {
    // The log is for an engine: a log that cannot be written must not hide the error itself.
    process.stderr.write(`gocontainer: --log ${sink.file}: ${(e as Error).message}\n`);
    sink = undefined;
  }
}

/** Log a failure (already said on stderr). */
export function logError(msg: string): void {
  write('error', msg);
}

/** Log a warning (already said on stderr): what failed but did not fail the command. */
export function logWarning(msg: string): void {
  write('warning', msg);
}

/** Log a debug line, with `--debug` only. */
export function logDebug(msg: string): void {
  if (sink?.debug) write('debug', msg);
}
