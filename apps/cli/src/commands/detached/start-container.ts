import { writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  createContainerStore,
  formatStartReport,
  lockContainerRoot,
  readStartFile,
  type StartReport,
  writeContainerSpec,
  writeDockerEtcFiles,
} from '@gc/engine';
import { createRunDir, GcError, type RunDir, type Spec, startContainer, sweepRunDirs } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';
import { releaseSweptHold } from '../run/image-hold.js';

/**
 * `gocontainer __start-container ID` (internal, run by the container's
 * gc-monitor): start the detached container as `run -d` planned it
 * (start.json), with the stdio this process was given (the monitor's pipes),
 * its init cloned as the monitor's child (CLONE_PARENT: the monitor reaps
 * it), and no parent-death signal; report `pid N` (or `error CODE TEXT`) on
 * fd $GC_REPORT_FD and exit. The run directory is handed to the init: a
 * sweep leaves it while the init lives.
 */
export async function startContainerCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  const reportFd = Number(process.env.GC_REPORT_FD ?? '-1');
  const report = (r: StartReport) => {
    if (reportFd >= 0) writeSync(reportFd, formatStartReport(r));
    else process.stderr.write(formatStartReport(r));
  };
  let runDir: RunDir | undefined;
  try {
    const [id, ...more] = argv;
    if (id === undefined || more.length > 0) throw new UsageError('__start-container: expected one container ID');
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    const record = store.find(id);
    const dir = store.dir(record.id);
    const start = readStartFile(dir);
    const runDirs = global.root ? { root: global.root } : {};
    // What the last life left, should its cleanup not have run (a killed monitor).
    await sweepRunDirs({ ...runDirs, beforeRemove: releaseSweptHold });
    runDir = createRunDir(record.id, runDirs);
    const spec: Spec = {
      ...start.spec,
      mounts: [...(start.spec.mounts ?? []), ...writeDockerEtcFiles(runDir.path, start.etcFiles)],
    };
    // What `exec` joins: this start's namespaces, capabilities, seccomp profile and rlimits.
    writeContainerSpec(store.dir(record.id), spec);
    const kernel = createKernel();
    // With a tty, the container sends its pty's master there: the monitor's end of the console socket.
    const consoleFd = process.env.GC_CONSOLE_FD === undefined ? undefined : Number(process.env.GC_CONSOLE_FD);
    // Not while `cp` has this stopped container's layers mounted (nor it while this mounts them).
    const rootLock = lockContainerRoot(kernel, dir);
    const container = await startContainer(spec, {
      kernel,
      runDir,
      containerId: record.id,
      stdio: [0, 1, 2],
      parentDeathSignal: false,
      adoptedByParent: true,
      ...(spec.process.terminal && consoleFd !== undefined ? { consoleSocket: consoleFd } : {}),
      init: start.init,
      ...(start.cgroupParent ? { cgroupParent: start.cgroupParent } : {}),
      ...(seccompCache() ? { seccompCache: seccompCache() } : {}),
      ...(start.overlay
        ? {
            overlay: {
              lower: [...start.overlay.lower],
              upper: join(dir, 'upper'),
              work: join(dir, 'work'),
              ...(start.overlay.hidden ? { hidden: [...start.overlay.hidden] } : {}),
            },
          }
        : {}),
    });
    rootLock.release();
    runDir.handOver(container.pid);
    report({ pid: container.pid });
    // The init is the monitor's now; nothing here is to wait for (a read of
    // its exit left in flight would hang process.exit in libuv's pool join).
    container.forget();
    process.exit(0);
  } catch (e) {
    await runDir?.remove().catch(() => undefined);
    const exitCode =
      GcError.isInstance(e) && typeof (e as { exitCode?: unknown }).exitCode === 'number'
        ? (e as unknown as { exitCode: number }).exitCode
        : 125;
    const message = GcError.isInstance(e) ? e.message : `internal error: ${(e as Error).stack ?? String(e)}`;
    report({ exitCode, error: message });
    return exitCode;
  }
}
