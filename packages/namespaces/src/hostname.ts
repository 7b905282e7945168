import { GcError, type OpRef, type ProgramScope } from '@gc/syscall';
import { PKG } from './pkg.js';
import type { NamespaceSpec, NamespaceType } from './types.js';
import { INVALID_CONFIG } from './validate.js';

/** `__NEW_UTS_LEN`: the kernel refuses longer host and domain names with EINVAL. */
export const MAX_UTS_NAME_BYTES = 64;

const utf8 = new TextEncoder();

/**
 * Plan `sethostname(hostname)` (OCI `hostname`). Only meaningful in a UTS
 * namespace of the container's own: check with `requireNamespace` first.
 */
export function planHostname(program: ProgramScope, hostname: string): OpRef {
  const bytes = utsName(hostname, 'hostname');
  return program.scope(PKG).syscall('sethostname', [hostname, bytes], `set the hostname to ${hostname}`);
}

/** Plan `setdomainname(name)` (OCI `domainname`), under the same rules as the hostname. */
export function planDomainname(program: ProgramScope, name: string): OpRef {
  const bytes = utsName(name, 'domainname');
  return program.scope(PKG).syscall('setdomainname', [name, bytes], `set the domain name to ${name}`);
}

function utsName(value: string, field: string): number {
  if (typeof value !== 'string') throw new GcError(INVALID_CONFIG, `${field}: expected a string, got ${typeof value}`);
  if (value.includes('\0')) throw new GcError(INVALID_CONFIG, `${field}: contains a NUL byte`);
  const bytes = utf8.encode(value).length;
  if (bytes > MAX_UTS_NAME_BYTES) {
    throw new GcError(INVALID_CONFIG, `${field}: ${bytes} bytes, the kernel takes at most ${MAX_UTS_NAME_BYTES}`);
  }
  return bytes;
}

/**
 * Throw unless `namespaces` lists a namespace of `type` (new or joined), as
 * runc does before it sets a hostname: without a UTS namespace of its own the
 * container would rename the host. `field` names the setting that needs it.
 *
 *     requireNamespace(config.linux.namespaces, 'uts', 'hostname')
 */
export function requireNamespace(namespaces: readonly NamespaceSpec[], type: NamespaceType, field: string): void {
  if (namespaces.some((s) => s.type === type)) return;
  throw new GcError(
    INVALID_CONFIG,
    `${field}: needs a ${type} namespace of the container's own: add {"type": "${type}"} to linux.namespaces`,
  );
}
