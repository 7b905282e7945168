import { describe, expect, it } from 'vitest';
import { SpecError } from './errors.js';
import { validateResources } from './validate-resources.js';

describe('validateResources', () => {
  it('takes what containerd writes to update --resources -', () => {
    const json = {
      memory: { limit: 104857600, swap: 209715200 },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0' },
      pids: { limit: 64 },
      blockIO: { weight: 500 },
      unified: { 'memory.high': '50M' },
    };
    expect(validateResources(json)).toEqual(json);
  });

  it.each([
    [{ pids: { limit: 'many' } }, 'linux.resources.pids.limit: expected an integer, got the string "many"'],
    [{ pids: {} }, 'linux.resources.pids.limit: required'],
    [{ memory: { limit: 1.5 } }, 'linux.resources.memory.limit: expected an integer, got the number 1.5'],
    [{ cpu: { shares: -1 } }, 'linux.resources.cpu.shares: expected at least 0, got -1'],
    [{ cpu: { cpus: 3 } }, 'linux.resources.cpu.cpus: expected a string, got the number 3'],
    [{ unified: { 'memory.high': 5 } }, 'linux.resources.unified["memory.high"]: expected a string, got the number 5'],
    [[], 'linux.resources: expected an object, got an array'],
    [null, 'linux.resources: expected an object, got null'],
    ['{}', 'linux.resources: expected an object, got string'],
  ])('refuses %j, naming the field', (json, message) => {
    let error: unknown;
    try {
      validateResources(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toBe(message);
  });
});
