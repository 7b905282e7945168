import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { capabilitiesOf, parseCapabilityStatus } from './inspect.js';

const STATUS = `Name:\tsh
Umask:\t0022
State:\tS (sleeping)
CapInh:\t0000000000000000
CapPrm:\t00000000a80425fb
CapEff:\t00000000a80425fb
CapBnd:\t00000000a80425fb
CapAmb:\t0000000000000400
NoNewPrivs:\t1
`;

describe('reading capability sets', () => {
  it('parses the Cap lines of /proc/PID/status', () => {
    const caps = parseCapabilityStatus(STATUS);
    expect(new Set(caps.effective)).toEqual(new Set(DOCKER_DEFAULT_CAPABILITIES));
    expect(caps.bounding).toEqual(caps.effective);
    expect(caps.inheritable).toEqual([]);
    expect(caps.ambient).toEqual(['CAP_NET_BIND_SERVICE']);
  });

  it('treats a missing CapAmb (Linux < 4.3) as empty, and refuses a status without Cap lines', () => {
    expect(parseCapabilityStatus(STATUS.replace(/CapAmb.*\n/, '')).ambient).toEqual([]);
    expect(() => parseCapabilityStatus('Name:\tsh\n', '/proc/1/status')).toThrow(
      '/proc/1/status: no inheritable capability line',
    );
  });

  it('capabilitiesOf reads /proc/PID/status', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'gc-proc-'));
    mkdirSync(join(proc, '42'));
    writeFileSync(join(proc, '42/status'), STATUS);
    expect((await capabilitiesOf(42, proc)).ambient).toEqual(['CAP_NET_BIND_SERVICE']);
    await expect(capabilitiesOf(43, proc)).rejects.toThrow(
      `cannot read the capabilities of process 43 from ${proc}/43/status`,
    );
    const self = await capabilitiesOf('self');
    expect(self.bounding.length).toBeGreaterThan(0);
  });
});
