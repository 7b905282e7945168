import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../command-line.js';
import { UsageError } from '../../usage-error.js';
import { parseBytes, resourcesFromFlags, UPDATE_OPTIONS } from './flags.js';

const resources = (...argv: string[]) => {
  const warnings: string[] = [];
  const r = resourcesFromFlags(parseCommandLine('update', [...argv, 'c1'], UPDATE_OPTIONS).flags, (w) =>
    warnings.push(w),
  );
  return { r, warnings };
};

describe("update's flags, as runc reads them", () => {
  it('reads sizes as docker/go-units RAMInBytes does: binary multiples', () => {
    expect(parseBytes('memory', '100')).toBe(100);
    expect(parseBytes('memory', '64m')).toBe(64 * 1024 ** 2);
    expect(parseBytes('memory', '1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('memory', '512MiB')).toBe(512 * 1024 ** 2);
    expect(parseBytes('memory', '2 KB')).toBe(2048);
    expect(parseBytes('memory', '-1')).toBe(-1);
  });

  it('builds linux.resources from what is given, only that', () => {
    expect(resources().r).toEqual({});
    expect(
      resources(
        '--memory',
        '64m',
        '--memory-swap',
        '-1',
        '--memory-reservation',
        '32m',
        '--cpu-share',
        '512',
        '--cpu-quota',
        '-1',
        '--cpu-period',
        '100000',
        '--cpuset-cpus',
        '0',
        '--cpuset-mems',
        '0',
        '--pids-limit',
        '20',
        '--blkio-weight',
        '300',
      ).r,
    ).toEqual({
      memory: { limit: 64 * 1024 ** 2, swap: -1, reservation: 32 * 1024 ** 2 },
      cpu: { shares: 512, quota: -1, period: 100000, cpus: '0', mems: '0' },
      pids: { limit: 20 },
      blockIO: { weight: 300 },
    });
    // Docker's spelling too; 0 for pids and blkio weight is "leave as it is".
    expect(resources('--cpu-shares', '256', '--pids-limit', '0', '--blkio-weight', '0').r).toEqual({
      cpu: { shares: 256 },
    });
  });

  it('warns of the obsolete kernel memory flags and ignores them, as runc', () => {
    expect(resources('--kernel-memory', '10m')).toEqual({
      r: {},
      warnings: ['--kernel-memory is obsolete and ignored (as by runc)'],
    });
  });

  it.each([
    [['--memory', 'lots'], 'update: --memory: expected a size in bytes (100m, 1g) or -1, got "lots"'],
    [['--memory-swap', '-2'], 'update: --memory-swap: expected a size in bytes (100m, 1g) or -1, got "-2"'],
    [['--cpu-period', '-5'], 'update: --cpu-period: expected a whole number, got "-5"'],
    [['--cpu-share', 'x'], 'update: --cpu-share: expected a whole number, got "x"'],
    [['--cpu-quota', '1e3'], 'update: --cpu-quota: expected an integer, got "1e3"'],
    [['--pids-limit', '1.5'], 'update: --pids-limit: expected an integer, got "1.5"'],
    [['--l3-cache-schema', 'L3:0=f'], 'update: --l3-cache-schema: Intel RDT is not supported'],
  ])('%j: a usage error naming the flag, exit 1', (argv, message) => {
    let error: unknown;
    try {
      resources(...argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message, exitCode: 1 });
  });
});
