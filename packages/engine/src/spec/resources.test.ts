import { describe, expect, it } from 'vitest';
import type { HostCpus } from './host-cpus.js';
import { buildResources, parseMemorySize, type ResourceFlags } from './resources.js';

/** A host with 2 CPUs, 0 and 1, as CI's. */
const HOST: HostCpus = { count: 2, online: '0-1' };
const build = (f: ResourceFlags) => buildResources(f, () => HOST);
const MiB = 1024 ** 2;

describe('buildResources (docker run resource flags, checked as moby checks them)', () => {
  it('reads Docker memory sizes', () => {
    expect(parseMemorySize('6m', '-m')).toBe(6 * MiB);
    expect(parseMemorySize('1.5g', '-m')).toBe(1.5 * 1024 ** 3);
    expect(parseMemorySize('10MiB', '-m')).toBe(10 * MiB);
    expect(parseMemorySize('10 mb', '-m')).toBe(10 * MiB);
    expect(parseMemorySize('512', '-m')).toBe(512);
    expect(() => parseMemorySize('-1', '--memory')).toThrow('--memory: "-1" is not a size');
    expect(() => parseMemorySize('1x', '--memory')).toThrow('--memory: "1x" is not a size');
    expect(() => parseMemorySize(' 1m', '--memory')).toThrow('is not a size');
    expect(() => parseMemorySize('18446744073709551616', '--memory')).toThrow('is too large (at most 8191t)');
    expect(() => parseMemorySize('9p', '--memory')).toThrow('is too large');
  });

  it('takes the good edge values', () => {
    expect(build({ memory: '6m', memorySwap: '-1' })?.memory).toEqual({ limit: 6 * MiB, swap: -1 });
    expect(build({ memory: '10m', memorySwap: '10m', memoryReservation: '10m' })?.memory).toEqual({
      limit: 10 * MiB,
      swap: 10 * MiB,
      reservation: 10 * MiB,
    });
    // 0 is "unset" for Docker's memory flags, --cpus, --cpu-shares, --pids-limit, --blkio-weight.
    expect(build({ memory: '0', memorySwap: '0', cpus: '0', cpuShares: '0', pidsLimit: '0', blkioWeight: '0' })).toBe(
      undefined,
    );
    expect(build({ pidsLimit: '-1' })).toBe(undefined);
    expect(build({ cpus: '0.01' })?.cpu).toEqual({ quota: 1000, period: 100_000 });
    expect(build({ cpus: '2' })?.cpu).toEqual({ quota: 200_000, period: 100_000 });
    expect(build({ cpuShares: '2' })?.cpu).toEqual({ shares: 2 });
    expect(build({ cpuShares: '262144' })?.cpu).toEqual({ shares: 262144 });
    expect(build({ cpusetCpus: '0-1' })?.cpu).toEqual({ cpus: '0-1' });
    expect(build({ cpusetCpus: '1,0' })?.cpu).toEqual({ cpus: '1,0' });
    expect(build({ pidsLimit: '4194304' })?.pids).toEqual({ limit: 4194304 });
    expect(build({ blkioWeight: '10' })?.blockIO).toEqual({ weight: 10 });
    expect(build({ blkioWeight: '1000' })?.blockIO).toEqual({ weight: 1000 });
  });

  it.each([
    [{ memory: '6291455' }, '--memory: "6291455" is below the minimum memory limit of 6MB'],
    [{ memory: '5m' }, '--memory: "5m" is below the minimum memory limit of 6MB'],
    [{ memorySwap: '1g' }, '--memory-swap: "1g" needs a --memory limit as well'],
    [{ memory: '1g', memorySwap: '512m' }, '--memory-swap: "512m" is below --memory "1g"'],
    [{ memory: '1g', memorySwap: '-2' }, '--memory-swap: "-2" is not a size'],
    [{ memoryReservation: '1m' }, '--memory-reservation: "1m" is below the minimum memory reservation of 6MB'],
    [{ memory: '64m', memoryReservation: '65m' }, '--memory-reservation: "65m" is above --memory "64m"'],
    [{ cpus: '0.000001' }, '--cpus: "0.000001": the range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs'],
    [{ cpus: '0.009' }, 'the range of CPUs is from 0.01 to 2.00'],
    [{ cpus: '3' }, '--cpus: "3": the range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
    [{ cpus: '2.01' }, 'the range of CPUs is from 0.01 to 2.00'],
    [{ cpus: '-1' }, '--cpus: "-1" is not a number'],
    [{ cpus: 'one' }, '--cpus: "one" is not a number'],
    [{ cpus: '1e0' }, '--cpus: "1e0" is not a number'],
    [{ cpuShares: '-1' }, '--cpu-shares: "-1" is not an integer from 0 to 262144'],
    [{ cpuShares: '1' }, '--cpu-shares: "1" is below the minimum of 2'],
    [{ cpuShares: '262145' }, '--cpu-shares: "262145" is not an integer from 0 to 262144'],
    [{ cpuShares: '1.5' }, '--cpu-shares: "1.5" is not an integer'],
    [{ cpusetCpus: '2' }, '--cpuset-cpus: "2": requested CPUs are not available (2); available: 0-1'],
    [{ cpusetCpus: '999' }, 'requested CPUs are not available (999)'],
    [{ cpusetCpus: '0-99999999' }, '--cpuset-cpus: "0-99999999" is not a CPU list'],
    [{ cpusetCpus: '1-0' }, '--cpuset-cpus: "1-0" is not a CPU list'],
    [{ cpusetCpus: '' }, '--cpuset-cpus: "" is not a CPU list'],
    [{ cpusetCpus: '0,' }, '--cpuset-cpus: "0," is not a CPU list'],
    [{ pidsLimit: '-2' }, '--pids-limit: "-2" is not an integer from -1 to 4194304 (-1 or 0: unlimited)'],
    [{ pidsLimit: '4194305' }, '--pids-limit: "4194305" is not an integer from -1 to 4194304'],
    [{ pidsLimit: 'many' }, '--pids-limit: "many" is not an integer'],
    [{ blkioWeight: '9' }, '--blkio-weight: "9": the range of blkio weight is from 10 to 1000'],
    [{ blkioWeight: '1001' }, '--blkio-weight: "1001" is not an integer from 0 to 1000'],
    [{ blkioWeight: '-1' }, '--blkio-weight: "-1" is not an integer from 0 to 1000'],
  ] as const)('refuses %j', (f, message) => {
    expect(() => build(f)).toThrow(message);
  });

  it('reads the host only for the CPU flags', () => {
    const host = () => {
      throw new Error('read the host');
    };
    expect(buildResources({ memory: '64m' }, host)?.memory).toEqual({ limit: 64 * MiB });
  });
});
