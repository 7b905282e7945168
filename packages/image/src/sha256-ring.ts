import { createHash, type Hash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

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
  /** Stop hashing (after a failure); a no-op once the digest was taken. */
  destroy(): void;
}

/** The most one reserve() gives. */
export const RESERVE_MAX = 4 << 20;
/** A ring's size: what its caller may run ahead of the hash, the thread's start included. */
const RING = 16 << 20;
/** Hashed at a time, so that callers see room free up, and several rings take turns. */
const SLICE = 1 << 20;
/**
 * Committed bytes the sleeping thread is woken for: each wake of another
 * thread costs a switch on a busy machine, so it is woken for a batch.
 */
const WAKE_BATCH = 2 << 20;
// A ring's control block: BigInt64 [0] bytes committed, [1] bytes hashed;
// Int32 [4] the end (1: digest it, 2: drop it), [5] the caller waits for
// room, [6] the digest is ready (1), [7] who hashes it (0 not decided, 1 the
// thread, 2 the caller); then the digest's 32 bytes.
const CONTROL = 64;
const DIGEST_AT = 32;

/**
 * One thread per process hashes every ring: a thread's start costs tens of
 * milliseconds of CPU, paid once. It sleeps on the doorbell (Int32 [0] a
 * counter bumped by every commit, end and new ring; [1] it is asleep) and
 * takes new rings from its port.
 */
const THREAD = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { bell: bellBuffer, port } = workerData;
const bell = new Int32Array(bellBuffer);
const rings = [];
for (;;) {
  const seen = Atomics.load(bell, 0);
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const { control, ring } = m.message;
    rings.push({
      counts: new BigInt64Array(control, 0, 2),
      flags: new Int32Array(control, 16, 4),
      claimed: false,
      out: new Uint8Array(control, ${DIGEST_AT}, 32),
      data: new Uint8Array(ring),
      size: BigInt(ring.byteLength),
      hash: createHash('sha256'),
      hashed: 0n,
    });
  }
  let progress = false;
  for (let i = rings.length - 1; i >= 0; i--) {
    const r = rings[i];
    const end = Atomics.load(r.flags, 0);
    if (end === 2) { rings.splice(i, 1); continue; }
    const committed = Atomics.load(r.counts, 0);
    if ((committed > 0n || end === 1) && !r.claimed) {
      // The caller hashes a ring itself that it filled before this thread got to it.
      if (Atomics.compareExchange(r.flags, 3, 0, 1) !== 0) { rings.splice(i, 1); continue; }
      r.claimed = true;
    }
    if (committed > r.hashed) {
      const at = Number(r.hashed % r.size);
      const n = Math.min(Number(committed - r.hashed), r.data.byteLength - at, ${SLICE});
      r.hash.update(r.data.subarray(at, at + n));
      r.hashed += BigInt(n);
      Atomics.store(r.counts, 1, r.hashed);
      if (Atomics.load(r.flags, 1) === 1) Atomics.notify(r.counts, 1);
      progress = true;
    } else if (end === 1) {
      r.out.set(r.hash.digest());
      Atomics.store(r.flags, 2, 1);
      Atomics.notify(r.flags, 2);
      rings.splice(i, 1);
    }
  }
  if (progress) continue;
  Atomics.store(bell, 1, 1);
  if (Atomics.load(bell, 0) === seen) Atomics.wait(bell, 0, seen);
  Atomics.store(bell, 1, 0);
}
`;

/** Atomics.waitAsync (V8 has it; this TypeScript lib does not declare it yet). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: BigInt64Array | Int32Array,
      index: number,
      value: bigint | number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

interface HashThread {
  worker: Worker;
  bell: Int32Array;
  port: MessagePort;
  /** Callers waiting for the thread: it keeps the process alive while there are any. */
  waiting: number;
  /** Set when the thread failed: every ring's caller is woken to see it. */
  failure?: Error;
  /** The live rings' wake-ups, for a failure. */
  rings: Set<() => void>;
}

let thread: HashThread | undefined;
/** False once a thread could not be started: later rings hash on this thread. */
let crossThread = true;

/**
 * Whether a core is free for the hashing thread: the load average below the
 * cores less one. On a machine whose cores are all busy, a second thread
 * gains nothing, and each hand-over to it waits for the scheduler.
 */
function spareCore(): boolean {
  return (loadavg()[0] as number) < availableParallelism() - 1;
}

function hashThread(use?: boolean): HashThread | undefined {
  if (!crossThread || use === false || (use === undefined && !spareCore())) return undefined;
  if (thread !== undefined && thread.failure === undefined) return thread;
  try {
    const channel = new MessageChannel();
    const bell = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(THREAD, {
      eval: true,
      workerData: { bell: bell.buffer, port: channel.port2 },
      transferList: [channel.port2],
    });
    // Idle, it holds no exit: it keeps the process alive only while a caller waits for it.
    worker.unref();
    const started: HashThread = { worker, bell, port: channel.port1, waiting: 0, rings: new Set() };
    const fail = (e: Error) => {
      started.failure ??= e;
      for (const wake of started.rings) wake();
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the sha256 thread exited (status ${code})`)));
    thread = started;
    return started;
  } catch {
    crossThread = false;
    return undefined;
  }
}

/** Start the hashing thread now, so that its start overlaps what the caller does before hashing. */
export function startSha256Thread(): void {
  hashThread();
}

/**
 * A Sha256Ring hashed on the process's hashing thread; where no core is
 * free for it, or no thread can be started (a resource limit), the hash is
 * computed on this one, with the same calls. `thread` decides instead of
 * the load (true: the thread where one can be started).
 */
export function createSha256Ring(options: { thread?: boolean } = {}): Sha256Ring {
  const t = hashThread(options.thread);
  if (t === undefined) return inThread(createHash('sha256'));
  const control = new SharedArrayBuffer(CONTROL);
  const ring = new SharedArrayBuffer(RING);
  const counts = new BigInt64Array(control, 0, 2);
  const flags = new Int32Array(control, 16, 4);
  const bytes = Buffer.from(ring);
  let committed = 0n;
  /**
   * The hash, where this thread took the ring over: the hashing thread had
   * not begun it (still starting, most often) when the ring was full or its
   * digest asked for. The ring, never wrapped then, holds every byte.
   */
  let local: Hash | undefined;
  const takeOver = (): boolean => {
    if (local !== undefined) return true;
    if (Atomics.load(counts, 1) !== 0n || Atomics.compareExchange(flags, 3, 0, 2) !== 0) return false;
    local = createHash('sha256').update(bytes.subarray(0, Number(committed)));
    Atomics.store(flags, 0, 2);
    t.rings.delete(wake);
    return true;
  };
  let reserved = 0;
  let ended = false;
  const wake = () => {
    Atomics.notify(counts, 1);
    Atomics.notify(flags, 2);
  };
  t.rings.add(wake);
  t.port.postMessage({ control, ring });
  ring_(t, true);

  /** Wait for the thread, keeping the process alive meanwhile. */
  const waitFor = async <T>(wait: () => Promise<T>): Promise<T> => {
    if (t.waiting++ === 0) t.worker.ref();
    try {
      return await wait();
    } finally {
      if (--t.waiting === 0) t.worker.unref();
    }
  };
  const check = () => {
    if (ended) throw new Error('sha256 ring: used after its digest or destroy');
    // A thread that failed before it began this ring leaves it to this one.
    if (t.failure && !takeOver()) throw t.failure;
  };
  /** The contiguous room at the ring's write position, up to `max`. */
  const room = (max: number): number => {
    // Taken over, what is committed is hashed: only the view committed last must stay.
    const free = local !== undefined ? RING - RESERVE_MAX : RING - Number(committed - Atomics.load(counts, 1));
    const at = Number(committed % BigInt(RING));
    return Math.min(free, RING - at, max);
  };
  const view = (n: number): Uint8Array => {
    const at = Number(committed % BigInt(RING));
    reserved = n;
    return bytes.subarray(at, at + n);
  };
  const waitForRoom = () =>
    waitFor(async () => {
      for (;;) {
        check();
        if (takeOver()) return;
        const hashed = Atomics.load(counts, 1);
        if (RING - Number(committed - hashed) > 0) return;
        Atomics.store(flags, 1, 1);
        // The thread may have hashed the ring empty between the load and the flag.
        const wait = waitAsync(counts, 1, hashed);
        if (wait.async) await wait.value;
        Atomics.store(flags, 1, 0);
      }
    });
  const commit = (n: number): void => {
    if (n > reserved) throw new RangeError(`sha256 ring: ${n} bytes committed of ${reserved} reserved`);
    reserved = 0;
    if (n === 0) return;
    if (local !== undefined) {
      const at = Number(committed % BigInt(RING));
      local.update(bytes.subarray(at, at + n));
      committed += BigInt(n);
      return;
    }
    committed += BigInt(n);
    Atomics.store(counts, 0, committed);
    ring_(t, committed - Atomics.load(counts, 1) >= WAKE_BATCH);
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
  const end = (how: 1 | 2) => {
    ended = true;
    Atomics.store(flags, 0, how);
    ring_(t, true);
  };
  return {
    reserve(max) {
      check();
      const n = room(Math.min(max, RESERVE_MAX));
      if (n > 0) return view(n);
      return waitForRoom().then(() => view(room(Math.min(max, RESERVE_MAX))));
    },
    commit,
    update(chunk) {
      check();
      const rest = copy(chunk);
      if (rest.byteLength === 0) return undefined;
      return (async () => {
        for (let left = rest; left.byteLength > 0; left = copy(left)) await waitForRoom();
      })();
    },
    async digest() {
      check();
      if (takeOver()) {
        ended = true;
        return (local as Hash).digest('hex');
      }
      end(1);
      try {
        await waitFor(async () => {
          while (Atomics.load(flags, 2) === 0) {
            if (t.failure) throw t.failure;
            const wait = waitAsync(flags, 2, 0);
            if (wait.async) await wait.value;
          }
        });
      } finally {
        t.rings.delete(wake);
      }
      return Buffer.from(control, DIGEST_AT, 32).toString('hex');
    },
    destroy() {
      t.rings.delete(wake);
      if (!ended) end(2);
      ended = true;
    },
  };
}

/** Tell the thread there is something new; wake it if it sleeps and `wake`. */
function ring_(t: HashThread, wake: boolean): void {
  Atomics.add(t.bell, 0, 1);
  // A thread that went to sleep after the add sees it before it waits.
  if (wake && Atomics.load(t.bell, 1) === 1) Atomics.notify(t.bell, 0);
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
