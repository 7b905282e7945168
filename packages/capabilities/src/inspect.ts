import { readFile } from 'node:fs';
import { GcError } from '@gc/syscall';
import { parseCapabilityMask } from './mask.js';
import type { CapabilitySetName } from './sets.js';

/** A process's capability sets, as names in number order. */
export type ProcessCapabilities = { [K in CapabilitySetName]: string[] };

const STATUS_LINE: Readonly<Record<string, CapabilitySetName>> = {
  CapInh: 'inheritable',
  CapPrm: 'permitted',
  CapEff: 'effective',
  CapBnd: 'bounding',
  CapAmb: 'ambient',
};

/** The capability sets of a process (`'self'` for this one), from /proc/PID/status. */
export async function capabilitiesOf(pid: number | 'self', procRoot = '/proc'): Promise<ProcessCapabilities> {
  const path = `${procRoot}/${pid}/status`;
  let text: string;
  try {
    // node:fs's callback form: node:fs/promises is one more module for every `run` to load.
    text = await new Promise<string>((resolve, reject) =>
      readFile(path, 'utf8', (error, data) => (error ? reject(error) : resolve(data))),
    );
  } catch (cause) {
    throw new GcError('ENOPROC', `cannot read the capabilities of process ${pid} from ${path}`, { cause });
  }
  return parseCapabilityStatus(text, path);
}

/**
 * The capability sets in the text of a /proc/PID/status file. CapAmb exists
 * since Linux 4.3; without it the ambient set is empty.
 */
export function parseCapabilityStatus(text: string, source = 'status'): ProcessCapabilities {
  const out: Partial<ProcessCapabilities> = { ambient: [] };
  for (const line of text.split('\n')) {
    const m = /^(Cap\w{3}):\s*([0-9a-fA-F]+)\s*$/.exec(line);
    const set = m ? STATUS_LINE[m[1] as string] : undefined;
    if (m && set) out[set] = parseCapabilityMask(m[2] as string);
  }
  for (const set of ['inheritable', 'permitted', 'effective', 'bounding'] as const) {
    if (!out[set]) throw new GcError('ENOPROC', `${source}: no ${set} capability line`);
  }
  return out as ProcessCapabilities;
}
