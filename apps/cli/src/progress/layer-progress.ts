import { writeSync } from 'node:fs';
import { humanSize } from '../human-size.js';

/** Bytes done of a layer's transfer (download, load, unpack). */
export interface ByteCount {
  current: number;
  total: number;
}

/**
 * One line per layer, as `docker pull` shows them: `<id>: <status>` and, on
 * a terminal, a bar for the bytes (`Downloading [===>   ]  1.2MB/3.4MB`),
 * each line redrawn in place. Elsewhere (a pipe, a file) a line is written
 * only when a layer's status changes, and there are no control characters.
 */
export interface LayerProgress {
  update(id: string, status: string, bytes?: ByteCount): void;
  /** Draw the last state and stop redrawing; later `update`s are ignored. */
  stop(): void;
}

const BAR_WIDTH = 50;

/** Docker's progress text (jsonmessage's JSONProgress.String): the bar on a wide terminal, then the sizes. */
export function progressText(bytes: ByteCount, columns: number): string {
  const current = humanSize(bytes.current);
  if (bytes.total <= 0) return current.padStart(8);
  const filled = Math.min(BAR_WIDTH, Math.floor(Math.floor((bytes.current / bytes.total) * 100) / 2));
  const bar = columns > 110 ? `[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}] ` : '';
  return `${bar}${current.padStart(8)}/${humanSize(bytes.total)}`;
}

/** `<id>: <status> <progress>`; a line of no layer (`id` empty) is the status and progress alone. */
export function layerLine(id: string, status: string, bytes: ByteCount | undefined, columns: number): string {
  const head = id === '' ? status : `${id}: ${status}`;
  return bytes === undefined ? head : `${head} ${progressText(bytes, columns)}`;
}

/**
 * Progress on `fd` (1 or 2): redrawn bars when it is a terminal, plain lines
 * when not. cli-progress (and the readline it loads) only for a terminal.
 */
export async function createLayerProgress(fd: 1 | 2, terminal: boolean): Promise<LayerProgress> {
  return terminal ? (await import('./terminal-progress.js')).terminalProgress(fd) : plainProgress(fd);
}

function plainProgress(fd: number): LayerProgress {
  const last = new Map<string, string>();
  let stopped = false;
  return {
    update(id, status) {
      if (stopped || last.get(id) === status) return;
      last.set(id, status);
      writeSync(fd, `${layerLine(id, status, undefined, 0)}\n`);
    },
    stop() {
      stopped = true;
    },
  };
}
