import { readFileSync } from 'node:fs';
import { initPath } from '@gc/native';
import {
  F_ADD_SEALS,
  F_SEAL_GROW,
  F_SEAL_SEAL,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  type Kernel,
  MFD_ALLOW_SEALING,
  MFD_CLOEXEC,
} from '@gc/syscall';

/**
 * A sealed memfd holding a copy of gc-init. The container's PID 1 runs it by
 * fd (execveat), so its /proc/1/exe is an unwritable anonymous file rather
 * than a host binary (CVE-2019-5736), and no file is added to the root.
 * Made once per process and shared by every container.
 */
let cached: number | undefined;

export function initBinaryFd(kernel: Kernel): number {
  if (cached !== undefined) return cached;
  const fd = kernel.memfdCreate('gc-init', MFD_CLOEXEC | MFD_ALLOW_SEALING);
  const bytes = readFileSync(initPath);
  for (let off = 0; off < bytes.length; ) off += kernel.write(fd, bytes.subarray(off));
  kernel.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  cached = fd;
  return fd;
}
