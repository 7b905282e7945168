import { GcError } from '@gc/syscall';

/** A layer the unpacker refuses: `unpack layer: MESSAGE`, code EIMAGE_LAYER. */
export function layerError(message: string, cause?: unknown): GcError {
  return new GcError('EIMAGE_LAYER', `unpack layer: ${message}`, cause === undefined ? undefined : { cause });
}
