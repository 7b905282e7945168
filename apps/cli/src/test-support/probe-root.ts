import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { probePath } from '@gc/native';
import { createBusyboxRoot } from '@gc/syscall/testing';

/** A busybox root with the static gc-probe workload at /bin/gc-probe: the escape suites' container. */
export function createProbeRoot(): ReturnType<typeof createBusyboxRoot> {
  const root = createBusyboxRoot();
  copyFileSync(probePath, join(root.path, 'bin/gc-probe'));
  return root;
}
