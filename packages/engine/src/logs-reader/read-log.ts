import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** One record of a json-file log (Docker's format), partial records of one line joined. */
export interface LogEntry {
  readonly stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as the writer stamped it (the first part's, for a joined line). */
  readonly time: string;
  /** The text, with its newline when the line was complete. */
  readonly log: string;
}

export interface FollowOptions {
  /** Asked between reads: once false, what is left is read and the reader ends (the container exited). */
  running: () => boolean;
  /** How often the log is looked at for more (default 100 ms). */
  intervalMs?: number;
  /** Ends the reader at once (the user's Ctrl-C). */
  signal?: AbortSignal;
}

export interface ReadLogOptions {
  /** The last N lines only (`--tail N`); undefined: all. */
  tail?: number;
  /** Only lines stamped at or after this time, ms since the epoch (`--since`). */
  since?: number;
  /** Only lines stamped before this time (`--until`). */
  until?: number;
  /** `-f`: then what is written next, across rotations, until the container exits. */
  follow?: FollowOptions;
}

interface Record {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

/** Splits bytes into JSON lines and lines into entries; a line still being written waits for its end. */
class Parser {
  private pending = '';
  private open: Record | undefined;

  /** Feed a chunk; returns the complete entries. */
  push(text: string): LogEntry[] {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() as string;
    const out: LogEntry[] = [];
    for (const line of lines) {
      let r: Record;
      try {
        r = JSON.parse(line) as Record;
      } catch {
        continue; // a line cut short by a crash of the writer
      }
      if (typeof r.log !== 'string') continue;
      if (this.open && this.open.stream === r.stream) this.open = { ...this.open, log: this.open.log + r.log };
      else {
        if (this.open) out.push(this.open);
        this.open = { log: r.log, stream: r.stream === 'stderr' ? 'stderr' : 'stdout', time: r.time };
      }
      if (this.open.log.endsWith('\n')) {
        out.push(this.open);
        this.open = undefined;
      }
    }
    return out;
  }

  /** A partial line at the end (the container's last words without a newline). */
  flush(): LogEntry[] {
    const last = this.open;
    this.open = undefined;
    return last ? [last] : [];
  }
}

const CHUNK = 64 * 1024;

/** The bytes of fd from `at` to its end, as text; returns the new position. */
function readFrom(fd: number, at: number, into: (text: string) => void): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let position = at;
  for (;;) {
    const n = readSync(fd, buffer, 0, CHUNK, position);
    if (n === 0) return position;
    into(buffer.toString('utf8', 0, n));
    position += n;
  }
}

function tryOpen(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** The rotated files that exist, oldest first (`.N` ... `.1`). */
function rotated(path: string): string[] {
  const files: string[] = [];
  for (let n = 1; inode(`${path}.${n}`) !== undefined; n++) files.unshift(`${path}.${n}`);
  return files;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * A container's json-file log (`path`, with its rotated `.1`, `.2`, ...
 * beside it), oldest line first: `docker logs` with `--tail`, `--since`
 * and `-f`. Following, the current file is held open: when the writer
 * rotates it, the rest of the old one is read through that fd before the
 * new file is opened, so no line is lost or read twice.
 */
export async function* readLog(path: string, options: ReadLogOptions = {}): AsyncGenerator<LogEntry> {
  const { since, until, follow } = options;
  const wanted = (e: LogEntry) => {
    const at = Date.parse(e.time);
    return (since === undefined || at >= since) && (until === undefined || at < until);
  };
  const parser = new Parser();
  let fd = tryOpen(path);
  let position = 0;
  let ino = fd === undefined ? undefined : fstatSync(fd).ino;
  try {
    let entries: LogEntry[] = [];
    const collect = (text: string) => {
      entries.push(...parser.push(text));
    };
    for (const file of rotated(path)) {
      if (inode(file) === ino) continue; // rotated between the open and now: read through fd
      const old = tryOpen(file);
      if (old === undefined) continue;
      try {
        readFrom(old, 0, collect);
      } finally {
        closeSync(old);
      }
    }
    if (fd !== undefined) position = readFrom(fd, 0, collect);
    if (!follow) entries.push(...parser.flush());
    entries = entries.filter(wanted);
    if (options.tail !== undefined) entries = options.tail <= 0 ? [] : entries.slice(-options.tail);
    yield* entries;
    if (!follow) return;

    const take = (text: string) => {
      for (const e of parser.push(text)) if (wanted(e)) entries.push(e);
    };
    for (;;) {
      if (follow.signal?.aborted) return;
      const ending = !follow.running();
      entries = [];
      const current = inode(path);
      if (fd !== undefined) position = readFrom(fd, position, take);
      if (current !== undefined && current !== ino) {
        // Rotated: fd's file was renamed to .1 (and on, if it went twice meanwhile).
        if (fd !== undefined) {
          const missed = inode(`${path}.1`);
          closeSync(fd);
          fd = undefined;
          if (missed !== undefined && missed !== ino) {
            const between = tryOpen(`${path}.1`);
            if (between !== undefined) {
              readFrom(between, 0, take);
              closeSync(between);
            }
          }
        }
        fd = tryOpen(path);
        ino = fd === undefined ? undefined : fstatSync(fd).ino;
        position = fd === undefined ? 0 : readFrom(fd, 0, take);
      }
      if (ending) for (const e of parser.flush()) if (wanted(e)) entries.push(e);
      yield* entries;
      if (ending) return;
      await sleep(follow.intervalMs ?? 100, follow.signal);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
