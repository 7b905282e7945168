import { describe, expect, it } from 'vitest';
import { parseRestartPolicy } from './restart-policy.js';

describe('--restart', () => {
  it("reads Docker's policies", () => {
    expect(parseRestartPolicy(undefined)).toEqual({ name: 'no', maximumRetryCount: 0 });
    expect(parseRestartPolicy('no')).toEqual({ name: 'no', maximumRetryCount: 0 });
    expect(parseRestartPolicy('always')).toEqual({ name: 'always', maximumRetryCount: 0 });
    expect(parseRestartPolicy('unless-stopped')).toEqual({ name: 'unless-stopped', maximumRetryCount: 0 });
    expect(parseRestartPolicy('on-failure')).toEqual({ name: 'on-failure', maximumRetryCount: 0 });
    expect(parseRestartPolicy('on-failure:3')).toEqual({ name: 'on-failure', maximumRetryCount: 3 });
  });

  it('refuses what Docker refuses, naming the flag', () => {
    expect(() => parseRestartPolicy('sometimes')).toThrow('--restart: invalid restart policy "sometimes"');
    expect(() => parseRestartPolicy('always:3')).toThrow(
      '--restart: maximum retry count cannot be used with restart policy "always"',
    );
    expect(() => parseRestartPolicy('on-failure:-1')).toThrow('--restart: maximum retry count "-1"');
    expect(() => parseRestartPolicy('on-failure:x')).toThrow('is not a non-negative integer');
    expect(() => parseRestartPolicy('on-failure:1:2')).toThrow('--restart: invalid restart policy format');
  });
});
