import { describe, expect, it } from 'vitest';
import { signalName, signalNumber } from './signals.js';

describe('signals', () => {
  it('parses names, bare names, numbers and real-time offsets', () => {
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('term')).toBe(15);
    expect(signalNumber('9')).toBe(9);
    expect(signalNumber(10)).toBe(10);
    expect(signalNumber('SIGCHLD')).toBe(17);
    expect(signalNumber('SIGIOT')).toBe(6);
    expect(signalNumber('SIGSYS')).toBe(31);
    expect(signalNumber('SIGRTMIN')).toBe(34);
    expect(signalNumber('RTMIN+3')).toBe(37);
    expect(signalNumber('SIGRTMAX-1')).toBe(63);
  });

  it('names numbers', () => {
    expect(signalName(1)).toBe('SIGHUP');
    expect(signalName(28)).toBe('SIGWINCH');
    expect(signalName(36)).toBe('SIGRTMIN+2');
    expect(signalName(64)).toBe('SIGRTMAX');
    expect(signalName(32)).toBe('SIG32');
  });

  it('throws a clear error on unknown signals', () => {
    expect(() => signalNumber('SIGFOO')).toThrow(/unknown signal "SIGFOO"/);
    expect(() => signalNumber(65)).toThrow(/unknown signal 65/);
    expect(() => signalNumber('SIGRTMAX+1')).toThrow(/unknown signal/);
    expect(() => signalName(0)).toThrow(/unknown signal 0/);
  });
});
