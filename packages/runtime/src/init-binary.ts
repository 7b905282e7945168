import { createRequire } from 'node:module';
import type { Kernel } from '@gc/syscall';
import { sealedBinaryFd } from './sealed-binary.js';

let paths: typeof import('@gc/native') | undefined;

/**
 * @gc/native's paths, loaded on first use: a command that only imports
 * @gc/runtime (`gocontainer features`, `state`) does not load it. Bundled
 * into CommonJS (the CLI), the bundle's own require; as an ES module, one
 * of its own. Kept once loaded: a require resolves its name again each
 * time (node_modules, package.json exports), and a long-running process
 * creates one container after another.
 */
function native(): typeof import('@gc/native') {
  if (paths !== undefined) return paths;
  const load = typeof __filename === 'string' ? require : createRequire(import.meta.url);
  paths = load('@gc/native') as typeof import('@gc/native');
  return paths;
}

/** gc-init (`--init`: PID 1 that reaps and forwards signals), sealed: see sealedBinaryFd. */
export function initBinaryFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-init', native().initPath);
}

/** gc-exec, the static executor a created container's init runs from (the REEXEC op), sealed. */
export function execHelperFd(kernel: Kernel): number {
  return sealedBinaryFd(kernel, 'gc-exec', native().execHelperPath);
}
