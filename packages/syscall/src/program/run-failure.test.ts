import { describe, expect, it } from 'vitest';
import { runFailure, runFailureText } from './run-failure.js';

describe('runFailure', () => {
  it.each([
    [0x10001, { kind: 'exited', code: 1 }, 'exit status 1'],
    [0x100ff, { kind: 'exited', code: 255 }, 'exit status 255'],
    [0x20009, { kind: 'signaled', signal: 'SIGKILL', signalNumber: 9 }, 'signal: SIGKILL'],
    [0x30000, { kind: 'timeout' }, 'killed after timeout'],
    [2, { kind: 'errno', errno: 2, errnoCode: 'ENOENT' }, 'no such file or directory (ENOENT)'],
    [13, { kind: 'errno', errno: 13, errnoCode: 'EACCES' }, 'permission denied (EACCES)'],
  ])('decodes the err word 0x%s', (word, failure, text) => {
    expect(runFailure(word)).toEqual(failure);
    expect(runFailureText(runFailure(word))).toBe(text);
  });
});
