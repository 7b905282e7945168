import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Is tmux installed (the terminal tests drive a real terminal through it)? */
export const hasTmux = existsSync('/usr/bin/tmux');

/** A detached tmux session: a real terminal whose screen a test reads and types into. */
export interface TmuxPane {
  readonly session: string;
  /** The visible screen, as text. */
  screen(): string;
  /** `tmux send-keys`: key names (`Enter`, `C-c`) or literal text. */
  send(...keys: string[]): void;
  /** Type `line` and press Enter. */
  type(line: string): void;
  resize(columns: number, rows: number): void;
  /** The pid of the pane's process (its shell). */
  pid(): number;
  /** Resolves once `pred(screen)` holds; throws with the screen after `timeoutMs`. */
  until(pred: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  kill(): void;
}

let count = 0;

/**
 * Start `command` (a shell line) in a new `columns` x `rows` tmux session;
 * with `socket`, on a tmux server of that name (`tmux -L`), which no test
 * of another file shares (the default server exits when any test kills its
 * last session, under a test starting one).
 */
export function openTmux(command: string, columns = 120, rows = 30, socket?: string): TmuxPane {
  const session = `gc-test-${process.pid}-${count++}`;
  const server = socket === undefined ? [] : ['-L', socket];
  const tmux = (...args: string[]) => execFileSync('tmux', [...server, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), command);
  const pane: TmuxPane = {
    session,
    screen: () => tmux('capture-pane', '-p', '-t', session),
    send: (...keys) => {
      tmux('send-keys', '-t', session, ...keys);
    },
    type: (line) => {
      tmux('send-keys', '-t', session, '-l', line);
      tmux('send-keys', '-t', session, 'Enter');
    },
    pid: () => Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim()),
    resize: (c, r) => {
      tmux('resize-window', '-t', session, '-x', String(c), '-y', String(r));
    },
    until: async (pred, what, timeoutMs = 15_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const shown = pane.screen();
        if (pred(shown)) return;
        if (Date.now() > end) throw new Error(`${what} never showed; screen:\n${shown}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // already gone
      }
    },
  };
  return pane;
}
