import { describe, expect, it } from 'vitest';
import { exitStatusFromSiginfo, shellExitCode } from './exit-status.js';

describe('exitStatusFromSiginfo', () => {
  it('reads an exit, a signal and a core dump as waitid reports them', () => {
    expect(exitStatusFromSiginfo(1, 3)).toEqual({ code: 3 });
    expect(exitStatusFromSiginfo(2, 9)).toEqual({ signal: 'SIGKILL', signalNumber: 9, coreDumped: false });
    expect(exitStatusFromSiginfo(3, 11)).toEqual({ signal: 'SIGSEGV', signalNumber: 11, coreDumped: true });
    expect(shellExitCode(exitStatusFromSiginfo(2, 15))).toBe(143);
  });

  it("gives -1 for a process another reaped (the reaper's waitid failed with ECHILD)", () => {
    expect(exitStatusFromSiginfo(0, -10)).toEqual({ code: -1 });
    expect(shellExitCode(exitStatusFromSiginfo(0, -10))).toBe(-1);
  });
});
