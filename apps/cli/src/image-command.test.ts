import { describe, expect, it } from 'vitest';
import { parseInterspersed } from './image-command.js';

const SPECS = [
  { key: 'force', long: 'force', short: 'f', help: '' },
  { key: 'output', long: 'output', short: 'o', value: 'FILE', help: '' },
  { key: 'change', long: 'change', short: 'c', value: 'X', multiple: true, help: '' },
];

describe('parseInterspersed', () => {
  it("takes options anywhere, as Docker's image commands do; after -- everything is an argument", () => {
    expect(parseInterspersed('rmi', ['a', '-f', 'b'], SPECS)).toEqual({
      flags: { force: true, output: undefined, change: [] },
      rest: ['a', 'b'],
    });
    expect(parseInterspersed('save', ['-o', '-dash.tar', 'img', '-c', 'A', '--change=B'], SPECS).flags).toEqual({
      force: undefined,
      output: '-dash.tar',
      change: ['A', 'B'],
    });
    expect(parseInterspersed('rmi', ['a', '--', '-f'], SPECS).rest).toEqual(['a', '-f']);
    expect(parseInterspersed('import', ['-', 'name'], SPECS).rest).toEqual(['-', 'name']);
  });

  it('names the command and the option it does not know', () => {
    expect(() => parseInterspersed('rmi', ['a', '--bogus'], SPECS)).toThrow("rmi: Unknown option '--bogus'");
  });
});
