/** Bytes received and sent, summed over a network namespace's interfaces. */
export interface NetCounters {
  rxBytes: number;
  txBytes: number;
}

/**
 * Sum `/proc/PID/net/dev` (the process's network namespace) over its
 * interfaces but loopback, as Docker sums the container's network
 * endpoints: traffic a container sends itself is no network I/O.
 */
export function parseNetDev(text: string): NetCounters {
  const out: NetCounters = { rxBytes: 0, txBytes: 0 };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    // The two header lines have `|`s, not a `name:`.
    if (name === '' || name.includes('|') || name === 'lo') continue;
    // 8 receive fields (bytes first), then 8 transmit fields (bytes first).
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    out.rxBytes += Number(fields[0] ?? 0) || 0;
    out.txBytes += Number(fields[8] ?? 0) || 0;
  }
  return out;
}
