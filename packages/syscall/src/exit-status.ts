import type { ExitStatus } from './kernel.js';
import { signalName } from './signals.js';

const CLD_EXITED = 1;
const CLD_DUMPED = 3;

/** From waitid's si_code/si_status to an ExitStatus. */
export function exitStatusFromSiginfo(siCode: number, siStatus: number): ExitStatus {
  // The reaper's waitid failed (-errno): the process was another's to reap
  // (cloned with CLONE_PARENT: its status went to our parent). Not known here.
  if (siStatus < 0) return { code: -1 };
  if (siCode === CLD_EXITED) return { code: siStatus };
  return {
    signal: signalName(siStatus) as NodeJS.Signals,
    signalNumber: siStatus,
    coreDumped: siCode === CLD_DUMPED,
  };
}

/** The shell's view of an exit: the code, or 128 + the signal number. */
export function shellExitCode(status: ExitStatus): number {
  return status.code ?? 128 + status.signalNumber;
}
