import type { Readable } from 'node:stream';
import type { Kernel } from '@gc/syscall';
import type { Compression } from '../media-types.js';
import type { UnpackedLayer, UnpackLayerOptions } from '../unpack/unpack-layer.js';
import { type HeldLock, lockFile } from './lock.js';
import type { StoreLayout } from './store-layout.js';

/** The unpacker's shape (`unpackLayer`): a test may pass another. */
export type UnpackFunction = (
  kernel: Kernel,
  /** The layer's bytes, or the path of its blob. */
  input: Readable | string,
  compression: Compression,
  dir: string,
  options?: UnpackLayerOptions,
) => Promise<UnpackedLayer>;

/** What every operation of one store shares. */
export interface StoreContext {
  layout: StoreLayout;
  kernel: Kernel;
  unpack: UnpackFunction;
  rootless: boolean;
  /** How long the content and index locks are waited for. */
  lockTimeoutMs: number;
  /** The leases this store holds now (`ImageStore.lease`): what is stored meanwhile is theirs. */
  leases: { held: number };
}

/** The content lock: shared by writers for their duration, exclusive for what removes content. */
export function lockContent(ctx: StoreContext, shared: boolean, what: string): Promise<HeldLock> {
  return lockFile(ctx.kernel, ctx.layout.contentLock, { shared, timeoutMs: ctx.lockTimeoutMs, what });
}

/** The lock of one blob's write or one layer's unpack: waited for as long as its holder lives. */
export function lockDigest(
  ctx: StoreContext,
  kind: 'blob' | 'layer',
  digest: Parameters<StoreLayout['lock']>[1],
): Promise<HeldLock> {
  return lockFile(ctx.kernel, ctx.layout.lock(kind, digest), {
    timeoutMs: Number.POSITIVE_INFINITY,
    what: `${kind} ${digest}`,
  });
}

/** Run `fn` holding the content lock (shared) and release it however `fn` ends. */
export async function withContent<T>(ctx: StoreContext, what: string, fn: () => Promise<T> | T): Promise<T> {
  const lock = await lockContent(ctx, true, what);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
