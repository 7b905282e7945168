import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's busybox-static puts its binary. */
export const BUSYBOX_STATIC = '/bin/busybox';

export interface BusyboxRoot {
  /** The root filesystem's directory. */
  readonly path: string;
  /** Delete it. */
  remove(): void;
}

/**
 * A throwaway root filesystem for integration tests, examples and benchmarks:
 * the static busybox in /bin with every applet as a relative symlink (so they
 * resolve inside the root), and the directories a container mounts on.
 */
export function createBusyboxRoot(busybox = BUSYBOX_STATIC): BusyboxRoot {
  if (!existsSync(busybox)) throw new Error(`${busybox} is missing: apt-get install busybox-static`);
  const path = mkdtempSync(join(tmpdir(), 'gc-root-'));
  try {
    for (const dir of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc', 'root']) mkdirSync(join(path, dir));
    execFileSync('cp', [busybox, join(path, 'bin/busybox')]);
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', join(path, 'bin', applet));
    writeFileSync(join(path, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(path, 'etc/group'), 'root:x:0:\n');
  } catch (e) {
    rmSync(path, { recursive: true, force: true });
    throw e;
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Can the integration tests run here: Linux, as root? */
export function canRunIntegration(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0;
}
