import { join } from 'node:path';
import { buildRunSpec, type RunImage } from '@gc/engine';
import { type ExplainPlanOptions, type Explanation, explainPlan, planExplained } from '@gc/runtime';
import type { RunFlags } from '../run/run-options.js';
import type { StdioMode } from '../run/stdio.js';
import { etcFileMounts } from './etc-mounts.js';

/** What `explain run` explains: `run`'s flags and target, and what would be made for it. */
export interface ExplainRunInput {
  /** An image (found in the store, its layers unpacked) and the command after it; or a command path and its args. */
  readonly target: { image: RunImage; command: string[] } | { image?: undefined; command: string; args: string[] };
  readonly flags: RunFlags;
  /** The container's ID (`run` makes a new one). */
  readonly id: string;
  /** The streams as `run` would resolve them (`resolveStdioMode`). */
  readonly mode: StdioMode;
  /** `--root`: the run directory would be `<runRoot>/<id>`. */
  readonly runRoot: string;
  /** What a run on the host's root hides from it (`gocontainerStatePaths`). */
  readonly hidden: readonly string[];
  /** The caller's environment, for `-e NAME` and TERM (as `run` passes its own). */
  readonly callerEnv?: Readonly<Record<string, string | undefined>>;
  /** Host facts (default: this host's); the golden tests pass fixed ones. */
  readonly host?: Pick<ExplainPlanOptions, 'host' | 'cgroupLayout' | 'lastCap' | 'arch'>;
}

/**
 * The program `gocontainer run` would execute for these flags, planned by
 * the same code (`buildRunSpec`, then the runtime's `planContainer`, as
 * `startContainer` calls it), with nothing made: the run directory, the
 * /etc files and the cgroup are named but not created, and the fds a run
 * opens first are stand-ins that say what they stand for.
 */
export function explainRun(input: ExplainRunInput): Explanation {
  const { target, flags, id, mode } = input;
  const common = { ...flags, id, terminal: mode.tty, callerEnv: input.callerEnv ?? {} };
  const request =
    target.image === undefined
      ? buildRunSpec({ ...common, command: [target.command, ...target.args] })
      : buildRunSpec({ ...common, command: target.command, image: target.image });
  const runDir = join(input.runRoot, id);
  request.spec.mounts = [...(request.spec.mounts ?? []), ...etcFileMounts(runDir, request.etcFiles)];
  const upper = join(runDir, 'upper');
  const work = join(runDir, 'work');
  const overlay = request.imageLayers
    ? { lower: request.imageLayers, upper, work }
    : request.hostRootOverlay
      ? { lower: ['/'], upper, work, hidden: [...input.hidden] }
      : undefined;
  const explained = planExplained(request.spec, {
    containerId: id,
    init: request.init,
    stdio: stdioNames(mode),
    ...(request.cgroupParent ? { cgroupParent: request.cgroupParent } : {}),
    ...(overlay ? { overlay } : {}),
    ...input.host,
  });
  return explainPlan(explained);
}

/** What `run`'s `openStdio` hands the container as fds 0, 1 and 2. */
function stdioNames(mode: StdioMode): string[] {
  if (mode.tty) return Array(3).fill('/dev/null (the pty made in the container replaces it)');
  return [
    mode.interactive ? "gocontainer's stdin (through a pipe on a terminal)" : '/dev/null',
    "gocontainer's stdout (through a pipe on a terminal)",
    "gocontainer's stderr (through a pipe on a terminal)",
  ];
}
