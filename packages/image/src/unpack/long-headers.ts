import type { extract as tarExtract } from 'tar-stream';

/** Go's archive/tar's bound on a PAX or GNU long-name header, which Docker's unpacker and loader have. */
export const MAX_LONG_HEADER = 1 << 20;

const LONG_HEADERS: Record<string, string> = {
  'pax-header': 'a PAX header',
  'pax-global-header': 'a PAX global header',
  'gnu-long-path': 'a GNU long name',
  'gnu-long-link-path': 'a GNU long link name',
};

/**
 * Refuse a PAX or GNU long-name header larger than MAX_LONG_HEADER as soon
 * as its header block is read, failing `extract` with `error(...)`:
 * tar-stream (pinned) gathers the whole of one in memory before decoding it,
 * so a tar declaring gigabytes would exhaust the memory.
 */
export function limitLongHeaders(
  extract: ReturnType<typeof tarExtract>,
  error: (what: string, size: number, limit: number) => Error,
): void {
  type Hooked = {
    _header: { type: string; size: number } | null;
    _longHeader: boolean;
    _consumeHeader(): boolean;
    _continueWrite(error: Error): void;
  };
  const hooked = extract as unknown as Hooked;
  const consume = hooked._consumeHeader;
  if (typeof consume !== 'function') throw new Error('tar-stream: _consumeHeader is gone (a tar-stream not 3.1.x)');
  hooked._consumeHeader = function (this: Hooked) {
    const consumed = consume.call(this);
    const header = this._header;
    if (consumed && this._longHeader && header && header.size > MAX_LONG_HEADER) {
      this._continueWrite(error(LONG_HEADERS[header.type] ?? 'a long header', header.size, MAX_LONG_HEADER));
      return false;
    }
    return consumed;
  };
}
