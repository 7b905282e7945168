import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../store/container-record.js';
import { filterAsksForStopped, matchesFilter, parseFilters } from './container-filter.js';

const record = (name: string, id: string, labels: Record<string, string> = {}) =>
  ({ name, id, config: { labels } }) as unknown as ContainerRecord;
const web = {
  record: record('web', `ab${'0'.repeat(62)}`, { tier: 'front' }),
  status: 'running' as const,
  exitCode: 0,
};
const db = { record: record('db-1', `cd${'0'.repeat(62)}`), status: 'exited' as const, exitCode: 3 };

describe('ps --filter', () => {
  it('status, name (a regular expression on /name), id prefix, label, exited', () => {
    const pick = (...values: string[]) =>
      [web, db].filter((c) => matchesFilter(parseFilters(values), c)).map((c) => c.record.name);
    expect(pick('status=running')).toEqual(['web']);
    expect(pick('status=exited')).toEqual(['db-1']);
    expect(pick('name=db')).toEqual(['db-1']);
    expect(pick('name=^/w')).toEqual(['web']);
    expect(pick('id=cd')).toEqual(['db-1']);
    expect(pick('label=tier=front')).toEqual(['web']);
    expect(pick('label=tier')).toEqual(['web']);
    expect(pick('exited=3')).toEqual(['db-1']);
    // One key: any value; two keys: both.
    expect(pick('status=running', 'status=exited')).toEqual(['web', 'db-1']);
    expect(pick('status=running', 'name=db')).toEqual([]);
    expect(pick()).toEqual(['web', 'db-1']);
  });

  it('a status filter shows stopped containers without -a', () => {
    expect(filterAsksForStopped(parseFilters(['status=exited']))).toBe(true);
    expect(filterAsksForStopped(parseFilters(['name=web']))).toBe(false);
  });

  it('refuses what is no filter, naming the flag and what was expected', () => {
    expect(() => parseFilters(['colour=red'])).toThrow(
      '--filter: expected KEY=VALUE with KEY one of status, name, id, label, exited, got "colour=red"',
    );
    expect(() => parseFilters(['running'])).toThrow('--filter: expected KEY=VALUE');
    expect(() => parseFilters(['status=sleeping'])).toThrow(
      '--filter: status: expected one of created, restarting, running, paused, exited, dead, got "sleeping"',
    );
    expect(() => parseFilters(['exited=x'])).toThrow('--filter: exited: expected an exit code, got "x"');
  });
});
