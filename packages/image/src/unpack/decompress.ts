import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, createReadStream, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Kernel, O_CLOEXEC } from '@gc/syscall';
import { Decompress } from 'fzstd';
import type { Compression } from '../media-types.js';
import { layerError } from './layer-error.js';

export interface DecompressOptions {
  /**
   * The `zstd` binary for zstd layers (faster than fzstd, and off the main
   * thread): a path, or false for fzstd. Default: `zstd` on PATH, if any.
   */
  zstd?: string | false;
  /** Compressed bytes read so far. */
  onRead?: (bytes: number) => void;
  /**
   * Makes the `zstd` binary's output a pipe of ZSTD_PIPE bytes, read in
   * chunks as large: with the default 64 KiB pipe, zstd waits whenever the
   * reader is busy with the last chunk, and the two hardly run at once.
   */
  kernel?: Kernel;
}

/** F_SETPIPE_SZ of fcntl(2). */
const F_SETPIPE_SZ = 1031;
/** The zstd binary's output pipe: fs.pipe-max-size's default, so allowed without privilege. */
const ZSTD_PIPE = 1 << 20;

/** A layer's bytes, uncompressed. */
export interface Decompressed {
  /** What the layer's first bytes say it is (the declared compression is only a hint, as Docker treats it). */
  compression: Compression;
  /** The tar, in chunks. */
  output: AsyncIterable<Buffer>;
  /** Settles once the decompressor ended: rejects if it failed (a zstd binary's exit status arrives after its output). */
  finished: Promise<void>;
  /** Stop reading and decompressing (after a failure further down). */
  destroy(): void;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** The compression a layer's first bytes show: gzip's and zstd's magic numbers, else none (a tar). */
export function sniffCompression(head: Uint8Array): Compression {
  const starts = (magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(GZIP_MAGIC)) return 'gzip';
  if (starts(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

let zstdOnPath: string | false | undefined;

/** The `zstd` binary on PATH (looked up once), or false. */
export function findZstd(): string | false {
  if (zstdOnPath === undefined) {
    zstdOnPath = false;
    for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, 'zstd');
      try {
        accessSync(candidate, fsConstants.X_OK);
        zstdOnPath = candidate;
        break;
      } catch {
        // Not there: the next directory.
      }
    }
  }
  return zstdOnPath;
}

/**
 * `input` uncompressed, by what its magic bytes show rather than what the
 * media type declared: Docker's uncompressed media types sometimes carry
 * gzip, and Docker itself sniffs. gzip inflates in libuv's pool, zstd in the
 * `zstd` binary where there is one (fzstd, on the main thread, otherwise).
 */
export async function decompress(
  input: Readable,
  _declared: Compression,
  options: DecompressOptions = {},
): Promise<Decompressed> {
  const { onRead } = options;
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  let read = 0;
  while (head.length < ZSTD_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    read += chunk.length;
    onRead?.(read);
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
  }
  const compression = sniffCompression(head);
  const rest = async function* () {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      read += next.value.length;
      onRead?.(read);
      yield next.value;
    }
  };
  if (compression === 'none') {
    // The input's chunks as they come: a stream between would cost a hop per chunk.
    return { compression, output: rest(), finished: Promise.resolve(), destroy: () => input.destroy() };
  }
  const source = Readable.from(rest(), { objectMode: false, highWaterMark: 1 << 20 });
  const destroyInput = () => {
    source.destroy();
    input.destroy();
  };

  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    source.on('error', (e) => gunzip.destroy(e));
    source.pipe(gunzip);
    const finished = new Promise<void>((resolve, reject) => {
      gunzip.once('end', resolve);
      gunzip.once('error', (e) => reject(layerError(`gunzip: ${e.message}`, e)));
    });
    finished.catch(() => {});
    const output = gunzip.on('error', () => {});
    return {
      compression,
      output,
      finished,
      destroy: () => {
        destroyInput();
        gunzip.destroy();
      },
    };
  }
  const zstd = options.zstd ?? findZstd();
  return zstd === false ? fzstdStream(source, destroyInput) : zstdBinary(zstd, source, destroyInput, options.kernel);
}

function zstdBinary(binary: string, source: Readable, destroyInput: () => void, kernel?: Kernel): Decompressed {
  const pipe = kernel ? largePipe(kernel) : undefined;
  let child: ChildProcess;
  try {
    child = spawn(binary, ['-d', '-c', '-q'], { stdio: ['pipe', pipe ? pipe[1] : 'pipe', 'pipe'] });
  } finally {
    if (pipe) kernel?.close(pipe[1]);
  }
  const stdout = (pipe ? createReadStream('', { fd: pipe[0], highWaterMark: ZSTD_PIPE }) : child.stdout) as Readable;
  const stdin = child.stdin as Writable;
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d));
  // zstd stops reading when the input is bad: its exit status says why, not the EPIPE.
  stdin.on('error', () => {});
  source.on('error', (e) => {
    child.kill('SIGKILL');
    stdout.destroy(e);
  });
  source.pipe(stdin);
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(layerError(`run ${binary}: ${e.message}`, e)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const words = Buffer.concat(stderr).toString().trim().split('\n').at(-1);
      reject(layerError(`${binary} -d: ${words || (signal ? `killed by ${signal}` : `exit status ${code}`)}`));
    });
  });
  finished.catch(() => {});
  return {
    compression: 'zstd',
    output: stdout,
    finished,
    destroy: () => {
      destroyInput();
      child.kill('SIGKILL');
      stdout.destroy();
    },
  };
}

/** The `zstd` binary decompressing a layer's file itself, into a pipe this process reads. */
export interface ZstdFromFile {
  /** The read end of its output (closed by the caller). */
  output: number;
  /** Settles once zstd exited: rejects (EIMAGE_LAYER) unless it succeeded. */
  finished: Promise<void>;
  kill(): void;
}

/**
 * `zstd -d` reading `fd` (at its offset 0) as its stdin, so that no byte of
 * the compressed layer passes through this process, writing into a pipe of
 * ZSTD_PIPE bytes. Undefined where the pipe cannot be made.
 */
export function zstdFromFile(binary: string, fd: number, kernel: Kernel): ZstdFromFile | undefined {
  const pipe = largePipe(kernel);
  if (pipe === undefined) return undefined;
  let child: ChildProcess;
  try {
    child = spawn(binary, ['-d', '-c', '-q'], { stdio: [fd, pipe[1], 'pipe'] });
  } catch (e) {
    kernel.close(pipe[0]);
    throw layerError(`run ${binary}: ${(e as Error).message}`, e);
  } finally {
    kernel.close(pipe[1]);
  }
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d));
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(layerError(`run ${binary}: ${e.message}`, e)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const words = Buffer.concat(stderr).toString().trim().split('\n').at(-1);
      reject(layerError(`${binary} -d: ${words || (signal ? `killed by ${signal}` : `exit status ${code}`)}`));
    });
  });
  finished.catch(() => {});
  return { output: pipe[0], finished, kill: () => child.kill('SIGKILL') };
}

/** A pipe [read, write] of ZSTD_PIPE bytes, or undefined where one cannot be made (then the child's own pipe serves). */
function largePipe(kernel: Kernel): [number, number] | undefined {
  let pipe: [number, number];
  try {
    pipe = kernel.pipe2(O_CLOEXEC);
  } catch {
    return undefined;
  }
  try {
    kernel.fcntl(pipe[1], F_SETPIPE_SZ, ZSTD_PIPE);
  } catch {
    // A smaller pipe-max-size: the default size, still read in large chunks.
  }
  return pipe;
}

function fzstdStream(source: Readable, destroyInput: () => void): Decompressed {
  let push: (data: Uint8Array) => void = () => {};
  const decoder = new Decompress((data) => {
    // The block may be a view of fzstd's own buffers: copy it before it moves on.
    push(Buffer.from(data));
  });
  const fail = (e: unknown) => layerError(`zstd: ${e instanceof Error ? e.message : String(e)}`, e);
  const transform = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      push = (data) => this.push(data);
      try {
        decoder.push(chunk);
        callback();
      } catch (e) {
        callback(fail(e));
      }
    },
    flush(callback) {
      push = (data) => this.push(data);
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (e) {
        callback(fail(e));
      }
    },
  });
  source.on('error', (e) => transform.destroy(e));
  source.pipe(transform);
  const finished = new Promise<void>((resolve, reject) => {
    transform.once('end', resolve);
    transform.once('error', reject);
  });
  finished.catch(() => {});
  transform.on('error', () => {});
  return {
    compression: 'zstd',
    output: transform,
    finished,
    destroy: () => {
      destroyInput();
      transform.destroy();
    },
  };
}
