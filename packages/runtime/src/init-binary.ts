import { createRequire } from 'node:module';
import type { Kernel } from '@gc/syscall';
import { sealedBinaryFd } from './sealed-binary.js';

/**
 * @gc/native's paths, loaded on first use: a command that only imports
 * @gc/runtime (`gocontainer features`, `state`) does not load it. Bundled
 * into CommonJS (the CLI), the bundle's own require; as an ES module, one
 * of its own.
 */
function native(): typeof import('@gc/native') {
  const load = typeof __filename === 'string' ? require : createRequire(import.meta.url);
  return load('@gc/native') as typeof import('@gc/native');
}

/** gc-init (`--init`: PID 1 that reaps and forwards signals), sealed: see sealedBinaryFd. */
export function initBinaryFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-init', native().initPath);
}

/** gc-exec, the static executor a created container's init runs from (the REEXEC op), sealed. */
export function execHelperFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-exec', native().execHelperPath);
}
