import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI, as a user runs it. */
export const GOCONTAINER = fileURLToPath(new URL('../../bin/gocontainer.cjs', import.meta.url));

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `gocontainer ARGS...` to its end. */
export function gocontainer(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return finish(start(args, opts.input), opts.timeoutMs);
}

/** Start `gocontainer ARGS...`; `input` (if given) is written to its stdin, which is then closed. */
export function start(args: string[], input?: string): ChildProcess {
  const child = spawn(process.execPath, [GOCONTAINER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  return child;
}

export function finish(child: ChildProcess, timeoutMs = 30_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gocontainer did not finish in ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves once `text` appeared on the child's stdout. */
export function waitForOutput(child: ChildProcess, text: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`"${text}" not printed in ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stdout?.on('data', (c: Buffer) => {
      seen += c.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Mount points of the host mount namespace, to check that a run left none behind. */
export function hostMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4] as string);
}

/** Pids of the processes whose parent is `ppid`. */
export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(name));
    } catch {
      // it exited meanwhile
    }
  }
  return out;
}

/** Every process on the host whose command line mentions `needle`. */
export function processesMatching(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) out.push(Number(name));
    } catch {
      // it exited meanwhile
    }
  }
  return out;
}
