// @gc/engine/testing: fixtures for tests of the engine and of the programs built on it.
import type { NewContainer } from './store/container-store.js';

/** A container record's fields as `run -d` of busybox `sh` would give them, for tests; `over` replaces any. */
export function testContainer(over: Partial<NewContainer> = {}): NewContainer {
  return {
    image: 'busybox',
    path: 'sh',
    args: [],
    config: { hostname: 'h', env: [], workingDir: '/', user: '', tty: false, openStdin: false, labels: {} },
    hostConfig: {
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      logConfig: { type: 'json-file' },
      autoRemove: false,
      memory: 0,
      networkMode: 'none',
      init: false,
    },
    ...over,
  };
}
