// Two processes on one store: the second is __fixtures__/store-child.mjs, which runs the built package.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { layoutManifest, openStore, putLayoutBlobs, tempDirs } from './test-support.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/store-child.mjs', import.meta.url));
const dirs = tempDirs();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  dirs.cleanup();
});

interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves once a line satisfies `test`. */
  waitFor(test: (line: string) => boolean): Promise<string>;
  exited: Promise<number | null>;
}

function child(...args: string[]): Child {
  const proc = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let partial = '';
  proc.stdout?.on('data', (data: Buffer) => {
    const parts = (partial + data.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    process: proc,
    lines,
    waitFor: (test) => {
      const seen = lines.find(test);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
    exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))),
  };
}

describe('two processes on one store', { timeout: 60_000 }, () => {
  it('resumes the ingest of a writer killed with SIGKILL in the middle', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const data = randomBytes(1 << 20);
    const file = join(dirs.make(), 'blob');
    writeFileSync(file, data);
    const digest = digestOf(data);
    const writer = child('ingest', root, digest, String(data.length), file, '20');
    await writer.waitFor((line) => line.startsWith('wrote ') && Number(line.slice(6)) >= 256 * 1024);
    writer.process.kill('SIGKILL');
    await writer.exited;

    expect(store.hasBlob(digest)).toBe(false);
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([]);
    const partial = statSync(join(root, 'ingest', digest.slice(7))).size;
    expect(partial).toBeGreaterThanOrEqual(256 * 1024);
    expect(partial).toBeLessThan(data.length);

    const resumed = await store.ingest({ digest, size: data.length });
    expect(resumed?.offset).toBe(partial);
    await resumed?.write(data.subarray(partial));
    await resumed?.commit();
    expect(store.readBlob(digest).equals(data)).toBe(true);
  });

  it('lets one of two processes ingesting one digest write it; the other waits and finds it present', async () => {
    const root = dirs.make();
    openStore(root);
    const data = randomBytes(512 * 1024);
    const file = join(dirs.make(), 'blob');
    writeFileSync(file, data);
    const digest = digestOf(data);
    const a = child('ingest', root, digest, String(data.length), file, '10');
    await a.waitFor((line) => line.startsWith('wrote '));
    const b = child('ingest', root, digest, String(data.length), file, '10');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(a.lines).toContain('committed');
    expect(b.lines).toEqual(['present']);
    expect(openStore(root).readBlob(digest).equals(data)).toBe(true);
  });

  it('loses no update of the index when two processes add images at once', async () => {
    const root = dirs.make();
    const store = openStore(root);
    await putLayoutBlobs(store, 'busybox');
    await putLayoutBlobs(store, 'pause');
    const busybox = layoutManifest('busybox');
    const pause = layoutManifest('pause');
    const a = child('add', root, busybox.digest, String(busybox.size), 'a', '15');
    const b = child('add', root, pause.digest, String(pause.size), 'b', '15');
    const mine = Promise.all(Array.from({ length: 15 }, (_, i) => store.addImage(busybox, { names: [`c-${i}`] })));
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
    await mine;
    const names = store.listImages().flatMap((i) => i.names);
    const expected = ['a', 'b', 'c'].flatMap((p) =>
      Array.from({ length: 15 }, (_, i) => `docker.io/library/${p}-${i}:latest`),
    );
    expect(names.sort()).toEqual(expected.sort());
    expect(store.findImage('a-3')?.id).toBe(store.findImage('c-9')?.id);
    expect(store.findImage('b-0')?.config.config?.Entrypoint?.[0]).toBe('/bin/sh');
  });
});
