import { AT_FDCWD, GcError, O_CLOEXEC, O_WRONLY, type ProgramScope } from '@gc/syscall';
import { INVALID_CONFIG, PKG } from './pkg.js';

export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;

/**
 * Plan writing `value` to /proc/self/oom_score_adj (OCI `process.oomScoreAdj`):
 * openat, write, close. Plan it while /proc is one the process's PID
 * namespace can see itself in: before the root changes (as runc does it, from
 * nsexec) or after the container's /proc is mounted. Lowering it below the
 * lowest value a privileged writer set for the process needs
 * CAP_SYS_RESOURCE (EACCES otherwise).
 */
export function planOomScoreAdj(program: ProgramScope, value: number, field = 'process.oomScoreAdj'): void {
  if (!Number.isInteger(value) || value < OOM_SCORE_ADJ_MIN || value > OOM_SCORE_ADJ_MAX) {
    throw new GcError(
      INVALID_CONFIG,
      `${field}: expected an integer in ${OOM_SCORE_ADJ_MIN}..${OOM_SCORE_ADJ_MAX}, got ${JSON.stringify(value)}`,
    );
  }
  const p = program.scope(PKG);
  const text = String(value);
  const fd = p.syscall(
    'openat',
    [AT_FDCWD, '/proc/self/oom_score_adj', O_WRONLY | O_CLOEXEC, 0],
    'open /proc/self/oom_score_adj',
  );
  p.syscall('write', [fd, text, Buffer.byteLength(text)], `write ${text} to /proc/self/oom_score_adj`);
  p.syscall('close', [fd], 'close /proc/self/oom_score_adj');
}
