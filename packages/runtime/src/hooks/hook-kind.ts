import type { Hooks } from '../spec.js';

/** A point of the lifecycle hooks run at: a key of the spec's `hooks`. */
export type HookKind = keyof Hooks;

/** Hooks the runtime runs itself, in its own namespaces (`runHooks`). */
export type HostHookKind = 'prestart' | 'createRuntime' | 'poststart' | 'poststop';

/** Hooks the container's init runs, inside the container (`planContainerHooks`). */
export type ContainerHookKind = 'createContainer' | 'startContainer';

/** Every kind, in the order of the lifecycle. */
export const HOOK_KINDS: readonly HookKind[] = [
  'prestart',
  'createRuntime',
  'createContainer',
  'startContainer',
  'poststart',
  'poststop',
];

/**
 * The runtime-spec: a failure of these only warns, and the remaining hooks and
 * the lifecycle go on; a failure of the others fails the operation.
 */
export function hookFailureIsFatal(kind: HookKind): boolean {
  return kind !== 'poststart' && kind !== 'poststop';
}
