import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A new container id: 64 hex digits, as Docker's. Read from /dev/urandom
 * rather than node:crypto, whose loading costs `gocontainer run` ~8 ms of
 * start-up on the development hosts.
 */
export function newContainerId(): string {
  const bytes = Buffer.alloc(32);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < bytes.length; ) got += readSync(fd, bytes, got, bytes.length - got, null);
  } finally {
    closeSync(fd);
  }
  return bytes.toString('hex');
}
