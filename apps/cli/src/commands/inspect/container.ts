import type { ContainerNow } from '@gc/engine';

/** A container as `docker container inspect` shows it: the parts there are on one machine without a daemon. */
export function inspectContainer(c: ContainerNow, logPath: string): Record<string, unknown> {
  const { record, state } = c;
  const { config, hostConfig } = record;
  const logOptions: Record<string, string> = {};
  if (hostConfig.logConfig.maxSize !== undefined) logOptions['max-size'] = String(hostConfig.logConfig.maxSize);
  if (hostConfig.logConfig.maxFile !== undefined) logOptions['max-file'] = String(hostConfig.logConfig.maxFile);
  return {
    Id: record.id,
    Created: record.created,
    Path: record.path,
    Args: record.args,
    State: {
      Status: state.status,
      Running: state.running,
      Paused: state.paused,
      Restarting: state.restarting,
      OOMKilled: state.oomKilled,
      Dead: state.dead,
      Pid: state.pid,
      ExitCode: state.exitCode,
      Error: state.error,
      StartedAt: state.startedAt,
      FinishedAt: state.finishedAt,
    },
    Image: record.imageId ?? '',
    LogPath: logPath,
    Name: `/${record.name}`,
    RestartCount: state.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    ExecIDs: null,
    HostConfig: {
      LogConfig: { Type: hostConfig.logConfig.type, Config: logOptions },
      NetworkMode: hostConfig.networkMode,
      RestartPolicy: {
        Name: hostConfig.restartPolicy.name,
        MaximumRetryCount: hostConfig.restartPolicy.maximumRetryCount,
      },
      AutoRemove: hostConfig.autoRemove,
      Memory: hostConfig.memory,
      Init: hostConfig.init,
    },
    Mounts: [],
    Config: {
      Hostname: config.hostname,
      Domainname: '',
      User: config.user,
      AttachStdin: config.openStdin,
      AttachStdout: !config.openStdin,
      AttachStderr: !config.openStdin,
      Tty: config.tty,
      OpenStdin: config.openStdin,
      StdinOnce: false,
      Env: config.env,
      Cmd: config.cmd ?? null,
      Image: record.image,
      Volumes: null,
      WorkingDir: config.workingDir,
      Entrypoint: config.entrypoint ?? null,
      OnBuild: null,
      Labels: config.labels,
      ...(config.stopSignal ? { StopSignal: config.stopSignal } : {}),
      ...(config.stopTimeout !== undefined ? { StopTimeout: config.stopTimeout } : {}),
    },
  };
}
