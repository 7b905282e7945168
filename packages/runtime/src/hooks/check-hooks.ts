import { SpecError } from '../errors.js';
import type { Hook, Hooks } from '../spec.js';
import { HOOK_KINDS, type HookKind } from './hook-kind.js';

/**
 * What the runtime-spec asks of a hook beyond its JSON schema: an absolute
 * path, and a timeout of whole seconds greater than zero. Throws SpecError
 * naming the field (`hooks.prestart[0].path`).
 */
export function checkHook(kind: HookKind, index: number, hook: Hook): void {
  const field = `hooks.${kind}[${index}]`;
  if (typeof hook !== 'object' || hook === null) throw new SpecError(field, 'expected an object');
  if (typeof hook.path !== 'string' || !hook.path.startsWith('/')) {
    throw new SpecError(`${field}.path`, `expected an absolute path, got ${JSON.stringify(hook.path)}`);
  }
  if (hook.timeout !== undefined && !(Number.isSafeInteger(hook.timeout) && hook.timeout > 0)) {
    throw new SpecError(`${field}.timeout`, `expected whole seconds greater than 0, got ${String(hook.timeout)}`);
  }
  for (const key of ['args', 'env'] as const) {
    const list = hook[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((s) => typeof s === 'string'))) {
      throw new SpecError(`${field}.${key}`, 'expected an array of strings');
    }
  }
}

/** `checkHook` for every hook of a spec's `hooks`. */
export function checkHooks(hooks: Hooks | undefined): void {
  for (const kind of HOOK_KINDS) for (const [i, hook] of (hooks?.[kind] ?? []).entries()) checkHook(kind, i, hook);
}
