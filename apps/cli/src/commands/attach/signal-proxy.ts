import { constants } from 'node:os';
import { type ContainerRecord, type ContainerStore, killContainer } from '@gc/engine';

/** The signals `docker run` and `docker attach` pass on to the container (their --sig-proxy, on by default). */
const PROXIED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** What those signals do to this process while it is attached to a container. */
export interface SignalProxy {
  /** The container runs: pass on what came before, and from now on at once. */
  running(): void;
  /** Our own handling again (Node's: SIGINT ends this process). */
  stop(): void;
}

/**
 * Pass the signals this process gets on to the container's init, as
 * Docker's client does, instead of ending; until `running()` they are kept
 * (its pid is not known before it starts) and sent then.
 */
export function proxySignals(store: ContainerStore, record: ContainerRecord, running = false): SignalProxy {
  let started = running;
  const pending: NodeJS.Signals[] = [];
  const deliver = (signal: NodeJS.Signals) => {
    void killContainer({ store }, record, signal).catch(() => undefined);
  };
  const forward = (signal: NodeJS.Signals) => {
    if (started) deliver(signal);
    else pending.push(signal);
  };
  for (const signal of PROXIED) process.on(signal, forward);
  return {
    running() {
      started = true;
      for (const signal of pending.splice(0)) deliver(signal);
    },
    stop() {
      for (const signal of PROXIED) process.off(signal, forward);
    },
  };
}

/**
 * `--sig-proxy=false`: those signals end this process instead (128 plus the
 * signal's number, as a shell reports it) and the container runs on, as
 * Docker's client leaves it. By process.exit, so that the terminal's mode
 * is restored (raw-mode.ts hangs its restore on 'exit').
 */
export function leaveOnSignals(): SignalProxy {
  const leave = (signal: NodeJS.Signals) => process.exit(128 + (constants.signals[signal] ?? 0));
  for (const signal of PROXIED) process.on(signal, leave);
  return {
    running() {},
    stop() {
      for (const signal of PROXIED) process.off(signal, leave);
    },
  };
}
