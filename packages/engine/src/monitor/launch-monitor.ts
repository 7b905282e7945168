import { spawn } from 'node:child_process';
import { read } from 'node:fs';
import { monitorPath } from '@gc/native';
import { createKernel, type Kernel, O_CLOEXEC } from '@gc/syscall';
import { ContainerLaunchError } from './errors.js';
import type { MonitorPlan } from './plan-monitor.js';
import { parseMonitorReport } from './start-report.js';

/** The fd the monitor answers on (planMonitor's `reportFd`): the first after stdio. */
export const MONITOR_REPORT_FD = 3;

export interface LaunchOptions {
  kernel?: Kernel;
  /** The gc-monitor binary (default @gc/native's `monitorPath`). */
  monitorPath?: string;
}

export interface LaunchedMonitor {
  /** The monitor's pid. */
  readonly pid: number;
  /** The container's init, as the host sees it. */
  readonly initPid: number;
}

/**
 * Start the container's monitor in a session of its own, with /dev/null for
 * stdio, and wait for its word on the first start: resolves once the
 * container runs (the monitor then outlives this process: nothing of Node
 * stays), or throws a ContainerLaunchError with the starter's message and
 * exit code. `plan` must have been made with `reportFd: MONITOR_REPORT_FD`.
 */
export async function launchMonitor(plan: MonitorPlan, options: LaunchOptions = {}): Promise<LaunchedMonitor> {
  const kernel = options.kernel ?? createKernel();
  const [readEnd, writeEnd] = kernel.pipe2(O_CLOEXEC);
  let pid: number | undefined;
  try {
    const child = spawn(options.monitorPath ?? monitorPath, plan.args as string[], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', writeEnd],
    });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    kernel.close(writeEnd);
    await spawned.catch((e: Error) => {
      throw new ContainerLaunchError(
        `start the container monitor ${options.monitorPath ?? monitorPath}: ${e.message}`,
        125,
      );
    });
    pid = child.pid as number;
    child.unref();
    const report = parseMonitorReport(await readToEnd(readEnd));
    if ('pid' in report) return { pid, initPid: report.pid };
    throw new ContainerLaunchError(report.error, report.exitCode);
  } finally {
    kernel.close(readEnd);
  }
}

function readToEnd(fd: number): Promise<string> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const next = () => {
      const buf = Buffer.alloc(4096);
      read(fd, buf, 0, buf.length, null, (e, n) => {
        if (e) {
          if (e.code === 'EINTR' || e.code === 'EAGAIN') return next();
          return reject(e);
        }
        if (n === 0) return resolve(Buffer.concat(chunks).toString('utf8'));
        chunks.push(buf.subarray(0, n));
        next();
      });
    };
    next();
  });
}
