import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followLog, sizeOf } from './follow-log.js';

const record = (log: string, stream = 'stdout') =>
  `${JSON.stringify({ log, stream, time: '2026-12-01T00:00:00.000000000Z' })}\n`;

describe('followLog', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copies records to their stream from an offset on, across a rotation, until the writer is done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-follow-'));
    dirs.push(dir);
    const path = join(dir, 'c-json.log');
    writeFileSync(path, record('before\n'));
    const offset = sizeOf(path);
    expect(sizeOf(join(dir, 'none'))).toBe(0);
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
    let done = false;
    const following = followLog(path, offset, () => done);
    appendFileSync(path, record('one\n') + record('oops\n', 'stderr') + record('tw').slice(0, 10));
    await new Promise((r) => setTimeout(r, 120));
    appendFileSync(path, record('tw').slice(10));
    await new Promise((r) => setTimeout(r, 120));
    // Rotated: a new, shorter file.
    writeFileSync(path, record('three\n'));
    await new Promise((r) => setTimeout(r, 120));
    done = true;
    await following;
    expect(out.join('')).toBe('one\ntwthree\n');
    expect(err.join('')).toBe('oops\n');
  });
});
