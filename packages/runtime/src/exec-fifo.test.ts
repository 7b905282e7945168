import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExecFifo } from './exec-fifo.js';

describe('readExecFifo (start)', () => {
  let dir: string;
  let fifo: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gc-fifo-'));
    fifo = join(dir, 'exec.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for an init that opens the fifo only after start came (it said "created" first), and reads its byte', async () => {
    // The writer opens 100 ms after the reader: the read sees EOF meanwhile, and the init is alive.
    const init = spawn('sh', ['-c', `sleep 0.1; printf 0 > ${fifo}`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => init.on('exit', resolve));
    await expect(readExecFifo(fifo, () => init.exitCode === null)).resolves.toBe(true);
    expect(await exited).toBe(0);
  });

  it('resolves false when no init waits and it died, rather than blocking', async () => {
    await expect(readExecFifo(fifo, () => false)).resolves.toBe(false);
  });
});
