import { spawn } from 'node:child_process';

export interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  input?: string;
  /** Leave stdin open until the command ends (a pty relay such as `script` passes EOF on). */
  keepStdin?: boolean;
  timeoutMs?: number;
  /** Do not print the command and its output (readiness polls). */
  quiet?: boolean;
}

/** What the engines and their clients get: no way to the internet (a proxy that refuses), whatever the host has. */
export function offlineEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const refuse = 'http://127.0.0.1:9';
  return {
    ...process.env,
    HTTP_PROXY: refuse,
    HTTPS_PROXY: refuse,
    http_proxy: refuse,
    https_proxy: refuse,
    NO_PROXY: '',
    no_proxy: '',
    ...extra,
  };
}

/**
 * Run `argv` to its end and print it with its output (the container's output
 * is what the test shows). A command still running after `timeoutMs` is
 * killed and fails the test with what it printed.
 */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<Result> {
  return background(argv, opts).done;
}

/** A command left running while the test goes on (a foreground `ctr run`). */
export interface Background {
  /** Its stdout so far. */
  stdout(): string;
  /** Resolves once `text` is on its stdout. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  readonly done: Promise<Result>;
}

/** Start `argv`; `done` is `run`'s result. */
export function background(argv: readonly string[], opts: RunOptions = {}): Background {
  const [command, ...args] = argv as [string, ...string[]];
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const done = new Promise<Result>((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? offlineEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdin.on('error', () => {
      // the command exited without reading its input
    });
    if (opts.keepStdin) child.stdin.write(opts.input ?? '');
    else child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${shown(argv)} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${shown(argv)}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (!opts.quiet) print(argv, result);
      resolve(result);
    });
  });
  return {
    stdout: () => stdout,
    printed: async (text, ms = 15_000) => {
      let ended = false;
      done.then(
        () => {
          ended = true;
        },
        () => {
          ended = true;
        },
      );
      const end = Date.now() + ms;
      while (!stdout.includes(text)) {
        if (ended || Date.now() > end) {
          const why = ended ? 'it ended' : `${ms} ms passed`;
          throw new Error(
            `${shown(argv)}: ${why} before it printed ${JSON.stringify(text)}\nstdout: ${stdout}\nstderr: ${stderr}`,
          );
        }
        await sleep(50);
      }
    },
    done,
  };
}

/** Like `run`, but a non-zero exit fails with the command's output. */
export async function ok(argv: readonly string[], opts: RunOptions = {}): Promise<Result> {
  const result = await run(argv, opts);
  if (result.code !== 0) {
    throw new Error(
      `${shown(argv)} exited ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return result;
}

export function shown(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

function print(argv: readonly string[], r: Result): void {
  const lines = [`$ ${shown(argv)}`];
  if (r.stdout) lines.push(r.stdout.trimEnd());
  if (r.stderr) lines.push(`[stderr] ${r.stderr.trimEnd()}`);
  lines.push(`[exit ${r.code ?? r.signal}, ${r.ms} ms]`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value; throws `what` with the last value seen after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
