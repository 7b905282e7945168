import { GcError } from '@gc/syscall';

/**
 * The frames of a container's attach socket (`attach.sock`, served by its
 * monitor): an 8-byte header as Docker's stdcopy (byte 0 the kind, bytes 1-3
 * zero, bytes 4-7 the payload's length, big-endian), then the payload.
 */
export const FRAME_STDIN = 0;
export const FRAME_STDOUT = 1;
export const FRAME_STDERR = 2;
/** Client to monitor: the terminal's size, rows then columns, each a big-endian u16. */
export const FRAME_RESIZE = 3;
/** Client to monitor: no more standard input (the container's stdin gets EOF). */
export const FRAME_STDIN_CLOSED = 4;
/** Monitor to client: the container exited; a big-endian int32 exit code. */
export const FRAME_EXIT = 5;

export type FrameKind = 0 | 1 | 2 | 3 | 4 | 5;

export interface Frame {
  readonly kind: FrameKind;
  readonly payload: Buffer;
}

export const FRAME_HEADER = 8;
/** A frame bigger than this is no frame of the protocol (the monitor sends what one read gave it). */
export const MAX_FRAME_PAYLOAD = 1 << 24;

export const ENGINE_BAD_FRAME = 'ENGINE_BAD_FRAME';

export function encodeFrame(kind: FrameKind, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const frame = Buffer.alloc(FRAME_HEADER + payload.length);
  frame[0] = kind;
  frame.writeUInt32BE(payload.length, 4);
  frame.set(payload, FRAME_HEADER);
  return frame;
}

export function resizeFrame(rows: number, columns: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt16BE(Math.min(Math.max(rows, 0), 0xffff), 0);
  payload.writeUInt16BE(Math.min(Math.max(columns, 0), 0xffff), 2);
  return encodeFrame(FRAME_RESIZE, payload);
}

export function exitFrame(code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeInt32BE(code, 0);
  return encodeFrame(FRAME_EXIT, payload);
}

/** The exit code of a FRAME_EXIT. */
export function exitCodeOf(frame: Frame): number {
  if (frame.payload.length !== 4) {
    throw new GcError(ENGINE_BAD_FRAME, `attach: an exit frame of ${frame.payload.length} bytes (expected 4)`);
  }
  return frame.payload.readInt32BE(0);
}

/** The size in a FRAME_RESIZE. */
export function resizeOf(frame: Frame): { rows: number; columns: number } {
  if (frame.payload.length !== 4) {
    throw new GcError(ENGINE_BAD_FRAME, `attach: a resize frame of ${frame.payload.length} bytes (expected 4)`);
  }
  return { rows: frame.payload.readUInt16BE(0), columns: frame.payload.readUInt16BE(2) };
}

/** Frames from the chunks a stream arrives in, whatever their boundaries. */
export interface FrameDecoder {
  /** Every frame the chunk completes, in order; throws ENGINE_BAD_FRAME on a header that is not one. */
  push(chunk: Uint8Array): Frame[];
  /** Bytes of an unfinished frame held (0 at a clean end of stream). */
  readonly pending: number;
}

export function createFrameDecoder(): FrameDecoder {
  let buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
      const frames: Frame[] = [];
      while (buffer.length >= FRAME_HEADER) {
        const kind = buffer[0] as number;
        if (kind > FRAME_EXIT || buffer[1] !== 0 || buffer[2] !== 0 || buffer[3] !== 0) {
          throw new GcError(
            ENGINE_BAD_FRAME,
            `attach: not a frame header: ${buffer.subarray(0, FRAME_HEADER).toString('hex')} (kind 0-5, then three zero bytes)`,
          );
        }
        const length = buffer.readUInt32BE(4);
        if (length > MAX_FRAME_PAYLOAD) {
          throw new GcError(ENGINE_BAD_FRAME, `attach: a frame of ${length} bytes (at most ${MAX_FRAME_PAYLOAD})`);
        }
        if (buffer.length < FRAME_HEADER + length) break;
        frames.push({ kind: kind as FrameKind, payload: buffer.subarray(FRAME_HEADER, FRAME_HEADER + length) });
        buffer = buffer.subarray(FRAME_HEADER + length);
      }
      return frames;
    },
    get pending() {
      return buffer.length;
    },
  };
}
