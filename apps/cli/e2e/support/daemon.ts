import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { sleep } from './command.js';

/** A daemon started by a test: stopped by its pid, never by name. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  /** Its stdout and stderr. */
  readonly log: string;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
  name: string;
  argv: readonly string[];
  log: string;
  env: NodeJS.ProcessEnv;
  /** Resolves true once the daemon serves. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}

/** The last lines of a daemon's log, for an error message. */
export function logTail(log: string, lines = 40): string {
  try {
    return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(no log: ${(err as Error).message})`;
  }
}

/**
 * Start a daemon in its own process group with its output in `log`, and wait
 * until `ready`. If it exits or is not ready within `timeoutMs`, it is killed
 * and the error shows its log.
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { name, log } = opts;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const fd = openSync(log, 'a');
  const [command, ...args] = opts.argv as [string, ...string[]];
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env });
  closeSync(fd);
  let exited: string | undefined;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
      resolve();
    });
    child.on('error', (err) => {
      exited = err.message;
      resolve();
    });
  });
  child.unref();
  const pid = child.pid ?? 0;
  const stop = async (graceMs = 10_000) => {
    if (exited !== undefined) return;
    process.kill(pid, 'SIGTERM');
    await Promise.race([gone, sleep(graceMs)]);
    if (exited !== undefined) return;
    process.kill(pid, 'SIGKILL');
    await gone;
  };
  const started = Date.now();
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`${name} ended (${exited}) before it was ready; its log, ${log}:\n${logTail(log)}`);
    }
    if (await opts.ready()) break;
    if (Date.now() - started > timeoutMs) {
      await stop(1000);
      throw new Error(`${name} was not ready within ${timeoutMs} ms; its log, ${log}:\n${logTail(log)}`);
    }
    await sleep(100);
  }
  process.stdout.write(`${name} (pid ${pid}) ready in ${Date.now() - started} ms\n`);
  return { name, pid, log, stop };
}
