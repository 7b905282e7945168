import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { O_CLOEXEC } from './constants.js';
import { Program } from './program/program.js';
import { createKernel } from './real-kernel.js';
import { RunError } from './run-error.js';
import { canRunIntegration, runProgram } from './testing/index.js';

describe.skipIf(!canRunIntegration())('runAndWait (integration, root)', () => {
  const kernel = createKernel();
  const dir = mkdtempSync(join(tmpdir(), 'gc-run-op-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A program that runs `script` under /bin/sh with a pipe holding `input` as stdin, then echoes `after`. */
  function plan(script: string, opts: { input?: string; timeoutMs?: number; path?: string } = {}) {
    const program = new Program();
    const [r, w] = kernel.pipe2(O_CLOEXEC);
    kernel.write(w, opts.input ?? '');
    kernel.close(w);
    const [outR, outW] = kernel.pipe2(O_CLOEXEC);
    const stdin = program.keepFd(r);
    const output = program.keepFd(outW);
    const s = program.scope('@gc/test');
    s.runAndWait(opts.path ?? '/bin/sh', ['sh', '-c', script], ['X=1'], 'run the script', {
      stdin,
      output,
      timeoutMs: opts.timeoutMs ?? 0,
    });
    s.syscall('close', [stdin], 'close the script stdin');
    s.syscall('close', [output], 'close the script output');
    s.execvp('/bin/echo', ['echo', 'after'], [], 'exec echo');
    return {
      program,
      done: () => {
        kernel.close(r);
        kernel.close(outW);
      },
      output: outR,
    };
  }

  async function run(script: string, opts: { input?: string; timeoutMs?: number; path?: string } = {}) {
    const p = plan(script, opts);
    try {
      const started = Date.now();
      const result = await runProgram(kernel, p.program, { stderr: 'stdout' });
      p.done();
      const buf = new Uint8Array(4096);
      kernel.fcntl(p.output, 4 /* F_SETFL */, 0o4000 /* O_NONBLOCK */);
      let hookOutput = '';
      try {
        const n = kernel.read(p.output, buf);
        hookOutput = Buffer.from(buf.subarray(0, n)).toString();
      } catch {
        // empty pipe: EAGAIN
      }
      kernel.close(p.output);
      return { ...result, hookOutput, ms: Date.now() - started };
    } catch (error) {
      p.done();
      kernel.close(p.output);
      throw error;
    }
  }

  it('gives the program its stdin, env and output fd, and goes on once it exits 0', async () => {
    const file = join(dir, 'stdin');
    const r = await run(`cat > ${file}; echo "env=$X"; echo err >&2; ls /proc/self/fd | wc -l`, {
      input: '{"id":"c1"}',
    });
    expect(r.startError).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe('{"id":"c1"}');
    // Only 0, 1, 2 (and the fd ls opens to read the directory) are open in it.
    expect(r.hookOutput).toBe('env=1\nerr\n4\n');
    // Its output did not reach the program's own stdout.
    expect(r.stdout).toBe('after\n');
    expect(r.status).toEqual({ code: 0 });
  });

  it('fails the program with the exit status of a program that exits non-zero', async () => {
    const r = await run('echo boom >&2; exit 3');
    expect(RunError.isInstance(r.startError)).toBe(true);
    expect((r.startError as unknown as RunError).failure).toEqual({ kind: 'exited', code: 3 });
    expect(r.startError?.message).toBe('run the script (test): exit status 3');
    expect(r.hookOutput).toBe('boom\n');
    expect(r.stdout).toBe('');
    expect(r.status).toEqual({ code: 255 });
  });

  it('kills a program that runs past its timeout and fails', async () => {
    const r = await run('sleep 30', { timeoutMs: 300 });
    expect((r.startError as unknown as RunError).failure).toEqual({ kind: 'timeout' });
    expect(r.startError?.message).toBe('run the script (test): killed after timeout');
    expect(r.ms).toBeLessThan(5000);
  });

  it('fails with ENOENT for a program that does not exist', async () => {
    const r = await run('true', { path: join(dir, 'missing') });
    expect((r.startError as unknown as RunError).failure).toMatchObject({ kind: 'errno', errnoCode: 'ENOENT' });
    expect(r.startError?.message).toBe('run the script (test): no such file or directory (ENOENT)');
  });

  it('reports a program killed by a signal', async () => {
    const r = await run('kill -SEGV $$');
    expect((r.startError as unknown as RunError).failure).toMatchObject({ kind: 'signaled', signal: 'SIGSEGV' });
  });
});
