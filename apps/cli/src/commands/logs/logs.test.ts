import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainerStore } from '@gc/engine';
import { testContainer } from '@gc/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';

describe('gocontainer logs (the built binary, on a log the monitor would have written)', () => {
  let dataRoot: string;
  const gc = (...args: string[]) => gocontainer(['--data-root', dataRoot, ...args]);
  beforeAll(() => {
    dataRoot = mkdtempSync(join(tmpdir(), 'gc-logs-cli-'));
    const store = createContainerStore({ dataRoot });
    const r = store.create(testContainer({ name: 'talker' }));
    const line = (log: string, stream: string, s: number) =>
      `${JSON.stringify({ log, stream, time: `2026-12-01T19:20:0${s}.000000001Z` })}\n`;
    writeFileSync(`${store.logPath(r.id)}.1`, line('one\n', 'stdout', 1));
    writeFileSync(store.logPath(r.id), line('two\n', 'stderr', 2) + line('three\n', 'stdout', 3));
  });
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('stdout to stdout, stderr to stderr; --tail, --since, --timestamps', async () => {
    expect(await gc('logs', 'talker')).toMatchObject({ code: 0, stdout: 'one\nthree\n', stderr: 'two\n' });
    expect(await gc('logs', '--tail', '1', 'talker')).toMatchObject({ stdout: 'three\n', stderr: '' });
    expect(await gc('logs', '--since', '2026-12-01T19:20:02Z', '-t', 'talker')).toMatchObject({
      stdout: '2026-12-01T19:20:03.000000001Z three\n',
      stderr: '2026-12-01T19:20:02.000000001Z two\n',
    });
    // -f of a container that does not run: what there is, then the end.
    expect(await gc('container', 'logs', '-f', '-n', '1', 'talker')).toMatchObject({ code: 0, stdout: 'three\n' });
  });

  it('refuses a bad --tail or --since, naming it, and an unknown container', async () => {
    expect(await gc('logs', '--tail', '-3', 'talker')).toMatchObject({
      code: 125,
      stderr: 'gocontainer: logs: --tail: expected a number of lines or "all", got "-3"\n',
    });
    const since = await gc('logs', '--since', 'yesterday', 'talker');
    expect([since.code, since.stderr]).toEqual([
      125,
      expect.stringContaining('logs: --since: expected an RFC 3339 time'),
    ]);
    expect(await gc('logs', 'nobody')).toMatchObject({
      code: 1,
      stderr: 'gocontainer: No such container: nobody (it does not exist)\n',
    });
  });
});
