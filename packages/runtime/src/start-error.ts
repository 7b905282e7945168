import { SyscallError } from '@gc/syscall';
import { ContainerStartError } from './errors.js';

/**
 * The error of a container that did not start, with the exit code a shell
 * user expects: the look-up or exec of the user's command failing is 127
 * (not found) or 126 (not executable), anything else of the setup is 125.
 * `commandOps`: the ops whose ENOENT/EACCES is the command's (the exec, and
 * create's look-up before the exec fifo).
 */
export function startError(e: unknown, commandOps: readonly number[], command: string): unknown {
  if (!SyscallError.isInstance(e)) return e;
  const ofCommand = e.op !== undefined && commandOps.includes(e.op);
  if (ofCommand && (e.errnoCode === 'ENOENT' || e.errnoCode === 'ENOTDIR')) {
    const what = command.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH';
    return new ContainerStartError('ENOCMD', `${what}: ${command}`, 127, e);
  }
  if (ofCommand && (e.errnoCode === 'EACCES' || e.errnoCode === 'ENOEXEC' || e.errnoCode === 'EISDIR')) {
    return new ContainerStartError('ECMDNOTEXEC', `permission denied: ${command} cannot be executed`, 126, e);
  }
  return new ContainerStartError(e.code, e.message, 125, e);
}
