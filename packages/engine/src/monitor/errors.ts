import { GcError } from '@gc/syscall';

/** A `--restart` or `--log-opt` value that is not one Docker takes. */
export const ENGINE_BAD_OPTION = 'ENGINE_BAD_OPTION';
/** The monitor could not start the container: the message is what `run` says, `exitCode` Docker's. */
export const ENGINE_START_FAILED = 'ENGINE_START_FAILED';

/** A bad `--restart`/`--log-opt` value: exit code 125, as `docker run` gives. */
export class EngineOptionError extends GcError {
  readonly exitCode = 125;
  constructor(message: string) {
    super(ENGINE_BAD_OPTION, message);
    this.name = 'EngineOptionError';
  }
}

/** The container did not start: 125 setup, 126 not executable, 127 not found (the starter's word). */
export class ContainerLaunchError extends GcError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(ENGINE_START_FAILED, message);
    this.name = 'ContainerLaunchError';
    this.exitCode = exitCode;
  }
}
