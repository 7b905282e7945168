import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { defaultSpec } from '../commands/spec/default-spec.js';

export type BundleConfig = ReturnType<typeof defaultSpec> & Record<string, unknown>;

export interface TestBundle {
  /** The bundle directory: config.json and rootfs/. */
  readonly path: string;
  /** The config written; change it and `write()` again. */
  readonly config: BundleConfig;
  write(): void;
  remove(): void;
}

/**
 * An OCI bundle as engines hand one over: `gocontainer spec`'s config.json
 * (runc's defaults) running `args` without a terminal, over a busybox
 * rootfs. `change` edits the config before it is written.
 */
export function createBundle(args: string[], change?: (config: BundleConfig) => void): TestBundle {
  const dir = mkdtempSync(join(tmpdir(), 'gc-bundle-'));
  const root = createBusyboxRoot();
  renameSync(root.path, join(dir, 'rootfs'));
  // As an image's root is (mkdtemp made it 0700): a process user other than root can enter it.
  chmodSync(join(dir, 'rootfs'), 0o755);
  chmodSync(join(dir, 'rootfs', 'tmp'), 0o1777);
  const config = defaultSpec() as BundleConfig;
  config.root = { path: 'rootfs', readonly: false };
  config.process.terminal = false;
  config.process.args = args;
  change?.(config);
  const write = () => writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  write();
  return { path: dir, config, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
