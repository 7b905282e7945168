import { describe, expect, it } from 'vitest';
import { SECCOMP_FLAGS } from './constants.js';
import { supportedSeccompFlags } from './flag-support.js';

describe('supportedSeccompFlags', () => {
  it('lists the flags a kernel release takes', () => {
    expect(supportedSeccompFlags('6.1.0-18-amd64')).toEqual(Object.keys(SECCOMP_FLAGS));
    expect(supportedSeccompFlags('5.4.0')).toEqual([
      'SECCOMP_FILTER_FLAG_TSYNC',
      'SECCOMP_FILTER_FLAG_LOG',
      'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
      'SECCOMP_FILTER_FLAG_NEW_LISTENER',
    ]);
    expect(supportedSeccompFlags('4.14.1')).toEqual(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG']);
    expect(supportedSeccompFlags('junk')).toEqual([]);
  });
});
