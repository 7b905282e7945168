import { describe, expect, it } from 'vitest';
import { mergeResources } from './update.js';

describe('mergeResources: the limits in force after an update', () => {
  it('changes what the update sets, keeps the rest', () => {
    expect(
      mergeResources(
        {
          memory: { limit: 100, swap: 200 },
          cpu: { shares: 1024 },
          pids: { limit: 10 },
          hugepageLimits: [{ pageSize: '2MB', limit: 1 }],
          devices: [{ allow: false, access: 'rwm' }],
        },
        {
          memory: { limit: 300 },
          cpu: { quota: 5000 },
          pids: { limit: 0 },
          hugepageLimits: [{ pageSize: '1GB', limit: 2 }],
          unified: { 'memory.high': '1M' },
        },
      ),
    ).toEqual({
      memory: { limit: 300, swap: 200 },
      cpu: { shares: 1024, quota: 5000 },
      // 0 is "unset" in the spec: the limit stays.
      pids: { limit: 10 },
      hugepageLimits: [
        { pageSize: '2MB', limit: 1 },
        { pageSize: '1GB', limit: 2 },
      ],
      devices: [{ allow: false, access: 'rwm' }],
      unified: { 'memory.high': '1M' },
    });
  });

  it('sets a pids limit that was not there', () => {
    expect(mergeResources({}, { pids: { limit: 5 } })).toEqual({ pids: { limit: 5 } });
  });
});
