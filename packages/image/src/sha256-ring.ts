import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * A sha256 computed on another thread, of bytes put in a ring of shared
 * memory: the caller either reads its bytes straight into the ring
 * (`reserve`, `commit`: nothing is copied for the hash) or copies chunks in
 * (`update`). The hashing thread reads what was committed, as the caller
 * goes on; the caller waits only when the ring is full, never blocking the
 * event loop.
 */
export interface Sha256Ring {
  /**
   * Room for the next bytes: a view of 1 to `max` (at most RESERVE_MAX)
   * bytes, once the hashing thread has freed them. The caller fills it and
   * commits what it filled; the view's bytes then stay as they are while
   * the next view is reserved and filled (a read ahead), until the one
   * after.
   */
  reserve(max: number): Uint8Array | Promise<Uint8Array>;
  /** The first `n` bytes of the last reserved view are the next of the input. */
  commit(n: number): void;
  /** Copy `chunk` in; a promise when it had to wait for room. */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** The sha256 (hex) of the bytes committed, once every one is hashed. */
  digest(): Promise<string>;
  /** Stop hashing (after a failure): the thread ends. */
  destroy(): void;
}

/** The ring's size: what the caller may run ahead of the hash, the thread's start included. */
const RING = 16 << 20;
/** The most one reserve() gives. */
export const RESERVE_MAX = 4 << 20;
/** Hashed at a time, so that the caller sees room free up while a large commit is hashed. */
const SLICE = 1 << 20;
/**
 * Committed bytes the sleeping thread is woken for: each wake of another
 * thread costs a switch on a busy machine, so it is woken for a batch.
 */
const WAKE_BATCH = 2 << 20;
// The control block: [0] bytes committed, [1] bytes hashed (BigInt64); then
// Int32 [4] a counter bumped by every commit and by the end, which the thread
// waits on, [5] the end (1), [6] the thread is waiting (1), [7] this thread
// is waiting for room (1).
const CONTROL = 32;
/** Atomics.waitAsync (V8 has it; this TypeScript lib does not declare it yet). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: BigInt64Array,
      index: number,
      value: bigint,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;
/** False once a thread could not be started: later rings hash on this thread. */
let crossThread = true;

// CommonJS, evaluated in the thread: no file of its own to find in a bundle.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { control, ring } = workerData;
const counts = new BigInt64Array(control, 0, 2);
const flags = new Int32Array(control, 16, 4);
const data = new Uint8Array(ring);
const size = BigInt(ring.byteLength);
const hash = createHash('sha256');
let hashed = 0n;
for (;;) {
  const seen = Atomics.load(flags, 0);
  const committed = Atomics.load(counts, 0);
  if (committed > hashed) {
    const at = Number(hashed % size);
    const n = Math.min(Number(committed - hashed), ring.byteLength - at, ${SLICE});
    hash.update(data.subarray(at, at + n));
    hashed += BigInt(n);
    Atomics.store(counts, 1, hashed);
    if (Atomics.load(flags, 3) === 1) Atomics.notify(counts, 1);
    continue;
  }
  if (Atomics.load(flags, 1) === 1) break;
  Atomics.store(flags, 2, 1);
  if (Atomics.load(counts, 0) === hashed && Atomics.load(flags, 1) === 0) Atomics.wait(flags, 0, seen);
  Atomics.store(flags, 2, 0);
}
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * A Sha256Ring on a worker thread; where no thread can be started (a
 * resource limit), the hash is computed on this one, with the same calls.
 */
export function createSha256Ring(): Sha256Ring {
  if (!crossThread) return inThread(createHash('sha256'));
  const control = new SharedArrayBuffer(CONTROL);
  const ring = new SharedArrayBuffer(RING);
  let worker: Worker;
  try {
    worker = new Worker(THREAD, { eval: true, workerData: { control, ring } });
  } catch {
    crossThread = false;
    return inThread(createHash('sha256'));
  }
  const counts = new BigInt64Array(control, 0, 2);
  const flags = new Int32Array(control, 16, 4);
  const bytes = Buffer.from(ring);
  let committed = 0n;
  let reserved = 0;
  let failure: Error | undefined;
  const result = new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', (e) => {
      failure = e;
      // Wakes a caller waiting for room, which then sees the failure.
      Atomics.notify(counts, 1);
      reject(e);
    });
    worker.once('exit', (code) => {
      failure ??= new Error(`the sha256 thread exited (status ${code})`);
      Atomics.notify(counts, 1);
      reject(failure);
    });
  });
  result.catch(() => {});

  /** The contiguous room at the ring's write position, up to `max`. */
  const room = (max: number): number => {
    const free = RING - Number(committed - Atomics.load(counts, 1));
    const at = Number(committed % BigInt(RING));
    return Math.min(free, RING - at, max);
  };
  const view = (n: number): Uint8Array => {
    const at = Number(committed % BigInt(RING));
    reserved = n;
    return bytes.subarray(at, at + n);
  };
  const waitForRoom = async (): Promise<void> => {
    for (;;) {
      if (failure) throw failure;
      const hashed = Atomics.load(counts, 1);
      if (RING - Number(committed - hashed) > 0) return;
      Atomics.store(flags, 3, 1);
      // The thread may have hashed the ring empty between the load and the flag.
      const wait = waitAsync(counts, 1, hashed);
      if (wait.async) await wait.value;
      Atomics.store(flags, 3, 0);
    }
  };
  const commit = (n: number): void => {
    if (n > reserved) throw new RangeError(`sha256 ring: ${n} bytes committed of ${reserved} reserved`);
    reserved = 0;
    if (n === 0) return;
    committed += BigInt(n);
    Atomics.store(counts, 0, committed);
    Atomics.add(flags, 0, 1);
    // A thread that went to sleep after this store sees it before it waits.
    if (Atomics.load(flags, 2) === 1 && committed - Atomics.load(counts, 1) >= WAKE_BATCH) Atomics.notify(flags, 0);
  };
  const copy = (chunk: Uint8Array): Uint8Array => {
    let rest = chunk;
    for (let n = room(rest.byteLength); n > 0 && rest.byteLength > 0; n = room(rest.byteLength)) {
      view(n).set(rest.subarray(0, n));
      commit(n);
      rest = rest.subarray(n);
    }
    return rest;
  };
  return {
    reserve(max) {
      if (failure) throw failure;
      const n = room(Math.min(max, RESERVE_MAX));
      if (n > 0) return view(n);
      return waitForRoom().then(() => view(room(Math.min(max, RESERVE_MAX))));
    },
    commit,
    update(chunk) {
      if (failure) throw failure;
      const rest = copy(chunk);
      if (rest.byteLength === 0) return undefined;
      return (async () => {
        for (let left = rest; left.byteLength > 0; left = copy(left)) await waitForRoom();
      })();
    },
    digest() {
      Atomics.store(flags, 1, 1);
      Atomics.add(flags, 0, 1);
      Atomics.notify(flags, 0);
      return result;
    },
    destroy() {
      failure ??= new Error('the sha256 ring was destroyed');
      void worker.terminate();
    },
  };
}

/**
 * The same calls on this thread: hashed as they come, or (no `hash`) not
 * hashed at all, for reads into reused buffers. Views alternate between two
 * buffers, so the last committed one stays while the next is filled.
 */
export function inThread(hash: Hash | undefined): Sha256Ring {
  const buffers = [Buffer.alloc(0), Buffer.alloc(0)];
  let turn = 0;
  let last: Buffer = Buffer.alloc(0);
  return {
    reserve(max) {
      const n = Math.max(1, Math.min(max, RESERVE_MAX));
      turn ^= 1;
      if ((buffers[turn] as Buffer).byteLength < n) buffers[turn] = Buffer.allocUnsafeSlow(n);
      last = buffers[turn] as Buffer;
      return last.subarray(0, n);
    },
    commit(n) {
      hash?.update(last.subarray(0, n));
    },
    update(chunk) {
      hash?.update(chunk);
      return undefined;
    },
    digest: async () => (hash ? hash.digest('hex') : ''),
    destroy() {},
  };
}
