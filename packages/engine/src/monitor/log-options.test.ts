import { describe, expect, it } from 'vitest';
import { parseLogOptions } from './log-options.js';

describe('--log-opt', () => {
  it('reads max-size in decimal units, as the json-file driver, and max-file', () => {
    expect(parseLogOptions([])).toEqual({ type: 'json-file' });
    expect(parseLogOptions(['max-size=10m', 'max-file=3'])).toEqual({
      type: 'json-file',
      maxSize: 10_000_000,
      maxFile: 3,
    });
    expect(parseLogOptions(['max-size=300'])).toEqual({ type: 'json-file', maxSize: 300 });
    expect(parseLogOptions(['max-size=1.5k'])).toEqual({ type: 'json-file', maxSize: 1500 });
    expect(parseLogOptions(['max-size=2g']).maxSize).toBe(2_000_000_000);
    expect(parseLogOptions(['max-file=1'])).toEqual({ type: 'json-file', maxFile: 1 });
  });

  it('refuses bad values, naming the flag and the key', () => {
    expect(() => parseLogOptions(['max-size=ten'])).toThrow('--log-opt: max-size "ten" is not a size');
    expect(() => parseLogOptions(['max-size=0'])).toThrow('--log-opt: max-size "0" must be at least one byte');
    expect(() => parseLogOptions(['max-size=10m', 'max-file=0'])).toThrow(
      '--log-opt: max-file "0" must be a positive integer',
    );
    expect(() => parseLogOptions(['max-file=3'])).toThrow('max-file is more than 1 but max-size is not given');
    expect(() => parseLogOptions(['mode=non-blocking'])).toThrow('--log-opt: unknown log opt "mode"');
    expect(() => parseLogOptions(['max-size'])).toThrow('--log-opt: "max-size" is not KEY=VALUE');
  });
});
