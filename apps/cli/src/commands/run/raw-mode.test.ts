import { EventEmitter } from 'node:events';
import { makeRaw } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { enterRawMode } from './raw-mode.js';

const COOKED = Uint8Array.from({ length: 36 }, (_, i) => (i < 16 ? 0xff : i));

function terminal() {
  const kernel = new FakeKernel();
  kernel.setTermios(0, COOKED);
  kernel.calls.length = 0;
  const hooks = new EventEmitter();
  return { kernel, hooks, set: () => kernel.callsOf('setTermios').map((c) => c.termios) };
}

describe('enterRawMode', () => {
  it('sets raw mode with a read timeout, and restore() puts the settings back once', () => {
    const { kernel, hooks, set } = terminal();
    const raw = enterRawMode(kernel, 0, hooks);
    expect(set()).toEqual([makeRaw(COOKED, { readTimeoutTenths: 1 })]);
    raw.restore();
    raw.restore();
    expect(set()).toEqual([makeRaw(COOKED, { readTimeoutTenths: 1 }), COOKED]);
    expect(hooks.listenerCount('exit')).toBe(0);
  });

  it('restores at exit when nobody called restore() (an exception, process.exit)', () => {
    const { kernel, hooks, set } = terminal();
    enterRawMode(kernel, 0, hooks);
    hooks.emit('exit');
    expect(set().at(-1)).toEqual(COOKED);
    expect(kernel.getTermios(0)).toEqual(COOKED);
  });

  it('a terminal that cannot be set raw is left as it was, and the error goes up', () => {
    const { kernel, hooks } = terminal();
    kernel.fail({ syscall: 'setTermios', nth: 1, errno: 'EIO' });
    expect(() => enterRawMode(kernel, 0, hooks)).toThrow(/EIO/);
    expect(kernel.getTermios(0)).toEqual(COOKED);
    expect(hooks.listenerCount('exit')).toBe(0);
  });

  it('a terminal gone (hung up) by the restore is no error', () => {
    const { kernel, hooks } = terminal();
    const raw = enterRawMode(kernel, 0, hooks);
    kernel.fail({ syscall: 'setTermios', errno: 'EIO' });
    expect(() => raw.restore()).not.toThrow();
  });
});
