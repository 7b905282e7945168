import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LogEntry, readLog } from './read-log.js';

const record = (log: string, second: number, stream = 'stdout') =>
  `${JSON.stringify({ log, stream, time: `2026-12-01T19:20:${String(second).padStart(2, '0')}.123456789Z` })}\n`;

async function all(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}:${e.log}`);
  return out;
}

describe('the json-file log reader', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gc-logs-'));
    log = join(dir, 'c-json.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the rotated files oldest first, then the current one; --tail counts across them', async () => {
    writeFileSync(`${log}.2`, record('one\n', 1) + record('two\n', 2));
    writeFileSync(`${log}.1`, record('three\n', 3, 'stderr'));
    writeFileSync(log, record('four\n', 4) + record('five\n', 5));
    expect(await all(readLog(log))).toEqual([
      'stdout:one\n',
      'stdout:two\n',
      'stderr:three\n',
      'stdout:four\n',
      'stdout:five\n',
    ]);
    expect(await all(readLog(log, { tail: 3 }))).toEqual(['stderr:three\n', 'stdout:four\n', 'stdout:five\n']);
    expect(await all(readLog(log, { tail: 0 }))).toEqual([]);
    expect(await all(readLog(log, { tail: 100 }))).toHaveLength(5);
  });

  it("--since and --until by the records' times", async () => {
    writeFileSync(log, record('a\n', 1) + record('b\n', 2) + record('c\n', 3));
    expect(await all(readLog(log, { since: Date.parse('2026-12-01T19:20:02Z') }))).toEqual([
      'stdout:b\n',
      'stdout:c\n',
    ]);
    expect(await all(readLog(log, { since: Date.parse('2026-12-01T19:20:02.2Z') }))).toEqual(['stdout:c\n']);
    expect(await all(readLog(log, { until: Date.parse('2026-12-01T19:20:02Z') }))).toEqual(['stdout:a\n']);
  });

  it('joins a long line split into records, keeps a last line without a newline, skips a torn record', async () => {
    writeFileSync(log, `${record('x'.repeat(5), 1)}${record('y\n', 1)}{"log":"tor\n${record('end', 2)}`);
    expect(await all(readLog(log, { tail: 2 }))).toEqual(['stdout:xxxxxy\n', 'stdout:end']);
  });

  it('no log yet is no line', async () => {
    expect(await all(readLog(log))).toEqual([]);
  });

  it('-f follows what is written, across a rotation, until the container exits', async () => {
    writeFileSync(log, record('first\n', 1));
    let running = true;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readLog(log, { follow: { running: () => running, intervalMs: 10 } })) seen.push(e.log);
    })();
    const until = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    appendFileSync(log, record('second\n', 2));
    await until(2);
    // Rotate as the monitor does: the current file to .1, a new one; lines land in both around it.
    appendFileSync(log, record('third\n', 3));
    renameSync(log, `${log}.1`);
    writeFileSync(log, record('fourth\n', 4));
    await until(4);
    appendFileSync(log, record('last', 5));
    running = false;
    await reading;
    expect(seen).toEqual(['first\n', 'second\n', 'third\n', 'fourth\n', 'last']);
  });

  it('-f with --tail 0 shows only what comes after', async () => {
    writeFileSync(log, record('old\n', 1));
    let running = true;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readLog(log, { tail: 0, follow: { running: () => running, intervalMs: 10 } })) {
        seen.push(e.log);
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(log, record('new\n', 2));
    await new Promise((r) => setTimeout(r, 50));
    running = false;
    await reading;
    expect(seen).toEqual(['new\n']);
  });
});
