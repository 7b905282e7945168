import { execHelperPath, initPath } from '@gc/native';
import type { Kernel } from '@gc/syscall';
import { sealedBinaryFd } from './sealed-binary.js';

/** gc-init (`--init`: PID 1 that reaps and forwards signals), sealed: see sealedBinaryFd. */
export function initBinaryFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-init', initPath);
}

/** gc-exec, the static executor a created container's init runs from (SpawnOptions.helperFd), sealed. */
export function execHelperFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-exec', execHelperPath);
}
