import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ownerOf } from '@gc/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { liveProcess } from './live-process.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const stateOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

/** A zombie: a short sleep in the background of a shell that then execs a long one, which never reaps it. */
async function zombie(): Promise<number> {
  const parent = spawn('/bin/sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(parent);
  const pid = await new Promise<number>((resolve) => parent.stdout?.once('data', (d) => resolve(Number(String(d)))));
  for (let i = 0; i < 300 && existsSync(`/proc/${pid}`) && stateOf(pid) !== 'Z'; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return pid;
}

describe('liveProcess', () => {
  it('is the process while it runs, with its start time, whether the start was recorded or not', () => {
    const me = ownerOf(process.pid);
    expect(me).toBeDefined();
    expect(liveProcess(process.pid, me?.start)).toEqual(me);
    expect(liveProcess(process.pid, undefined)).toEqual(me);
  });

  it('is undefined for another process with the pid, a zombie, a gone pid, or no pid', async () => {
    const start = ownerOf(process.pid)?.start as number;
    expect(liveProcess(process.pid, start + 1)).toBeUndefined();
    const dead = await zombie();
    expect(stateOf(dead)).toBe('Z');
    expect(liveProcess(dead, undefined)).toBeUndefined();
    expect(liveProcess(dead, ownerOf(dead)?.start)).toBeUndefined();
    expect(liveProcess(0x3fffffff, undefined)).toBeUndefined();
    expect(liveProcess(0, undefined)).toBeUndefined();
    expect(liveProcess(undefined, undefined)).toBeUndefined();
  });
});
