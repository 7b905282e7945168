import { readFileSync } from 'node:fs';
import { OCI_VERSION } from '../state/oci-state.js';
import type { ContainerStatus } from '../state/status.js';
import type { RuntimeContext } from './context.js';

/** One container as `list --format json` shows it: the fields and names of runc's `containerState`. */
export interface ContainerSummary {
  readonly ociVersion: string;
  readonly id: string;
  /** The init's pid; 0 once stopped. */
  readonly pid: number;
  readonly status: ContainerStatus;
  readonly bundle: string;
  readonly rootfs: string;
  /** When the create began (ISO 8601, UTC). */
  readonly created: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The user name of the uid that created it, or `#UID` when the host has none for it. */
  readonly owner: string;
}

/** Every container of the store, by id, with its live status (runc's `list`). */
export function listContainers(ctx: RuntimeContext): ContainerSummary[] {
  const names = userNames();
  return ctx.store.list().map(({ record, status }) => ({
    ociVersion: record.config?.ociVersion ?? OCI_VERSION,
    id: record.id,
    pid: status === 'stopped' ? 0 : (record.init?.pid ?? 0),
    status,
    bundle: record.bundle,
    rootfs: record.rootfs,
    created: record.created,
    ...(Object.keys(record.annotations).length > 0 ? { annotations: record.annotations } : {}),
    owner: names.get(record.owner) ?? `#${record.owner}`,
  }));
}

/** uid -> name, from /etc/passwd (what runc's user lookup reads); empty when it cannot be read. */
function userNames(): Map<number, string> {
  const out = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid) && !out.has(Number(uid))) out.set(Number(uid), name);
  }
  return out;
}
