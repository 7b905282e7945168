/**
 * What the engine keeps of a container for as long as it exists (until `rm`):
 * `<data-root>/engine/containers/<id>/container.json`, written by the CLI at
 * `create`/`run` and changed by `rename` only. What the container is doing
 * (running, exited with a code, restarting) is the monitor's, in
 * `state.json` beside it (ContainerStateFile).
 */
export interface ContainerRecord {
  /** 64 lowercase hex digits. */
  readonly id: string;
  /** Unique among the engine's containers: `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (no leading slash). */
  readonly name: string;
  /** RFC 3339 with nanoseconds, UTC: when the container was made. */
  readonly created: string;
  /** The image as the user named it (`busybox`), or `""` for a `--rootfs`/host-root container. */
  readonly image: string;
  /** The image's ID (`sha256:...`), when it runs one. */
  readonly imageId?: string;
  /** The command the container runs: the entrypoint and args after the image's and the flags' say. */
  readonly path: string;
  readonly args: readonly string[];
  /** Docker's `Config` part: what `inspect` shows and `exec` takes its defaults from. */
  readonly config: ContainerConfig;
  /** Docker's `HostConfig` part: what the engine does around the container. */
  readonly hostConfig: HostConfig;
}

export interface ContainerConfig {
  readonly hostname: string;
  readonly env: readonly string[];
  readonly workingDir: string;
  /** `uid[:gid]` or a name, as given (`""`: the image's or root). */
  readonly user: string;
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** The signal `stop` sends first (default SIGTERM), and how long it waits before SIGKILL. */
  readonly stopSignal?: string;
  readonly stopTimeout?: number;
}

export type RestartPolicyName = 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface RestartPolicy {
  readonly name: RestartPolicyName;
  /** on-failure only: at most this many restarts; 0 means no limit. */
  readonly maximumRetryCount: number;
}

export interface LogConfig {
  /** Docker's json-file driver is the one there is. */
  readonly type: 'json-file';
  /** `max-size` (bytes after parsing `10m`), `max-file` (default 1). */
  readonly maxSize?: number;
  readonly maxFile?: number;
}

export interface HostConfig {
  readonly restartPolicy: RestartPolicy;
  readonly logConfig: LogConfig;
  /** `--rm`: removed once it exits. */
  readonly autoRemove: boolean;
  /** `-m`: bytes, 0 for none. */
  readonly memory: number;
  readonly networkMode: string;
  readonly init: boolean;
}

/**
 * `state.json`, written by the container's monitor (temp + rename): the
 * container's life as the monitor saw it. Docker's `State`, less what is
 * read live (paused: the cgroup freezer; the monitor's own liveness).
 */
export interface ContainerStateFile {
  /** created: made, never started; running; restarting: between a restart policy's tries; exited. */
  readonly status: 'created' | 'running' | 'restarting' | 'exited';
  /** The container's init as the host sees it (0 when not running), with its start time (/proc/PID/stat field 22). */
  readonly pid: number;
  readonly pidStart?: number;
  /** The monitor's pid and start time: a state file whose monitor is gone tells the last it knew. */
  readonly monitorPid?: number;
  readonly monitorStart?: number;
  /** The exit code a shell reports (128 + signal); -1 when not known (the monitor was killed). */
  readonly exitCode: number;
  readonly oomKilled: boolean;
  /** Why it failed to start, as `run` would have said. */
  readonly error: string;
  /** RFC 3339 with nanoseconds, UTC; `0001-01-01T00:00:00Z` (Docker's zero time) when it never happened. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** How many times the restart policy started it again. */
  readonly restartCount: number;
  /** Stopped by `stop`/`kill`/`rm -f`: a restart policy leaves it stopped (Docker's "manually stopped"). */
  readonly stoppedByUser?: boolean;
  /**
   * The container's cgroup path inside the hierarchies (`/gocontainer/<id>`)
   * when it is not the default one for its ID: what `top`, `pause` and `rm`
   * act on.
   */
  readonly cgroup?: string;
}

/** Docker's zero time, for what never happened. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
