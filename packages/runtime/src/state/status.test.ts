import { describe, expect, it } from 'vitest';
import { ContainerExistsError, ContainerStatusError } from '../errors.js';
import {
  ALLOWED,
  assertAllowed,
  CONTAINER_STATUSES,
  type ContainerStatus,
  isAllowed,
  type Operation,
} from './status.js';

// Written out from runc's checks (and the runtime spec), one row per
// operation, columns creating / created / running / stopped / paused.
const EXPECTED: Record<Operation, string> = {
  create: '-----',
  start: '-x---',
  kill: '-xx-x',
  delete: '-x-x-',
  pause: '-xx--',
  resume: '----x',
  exec: '-xx--',
  update: '-xx-x',
  state: 'xxxxx',
  ps: '-xx-x',
  events: '-xx-x',
};
const COLUMNS: ContainerStatus[] = ['creating', 'created', 'running', 'stopped', 'paused'];

describe('the operations each status allows', () => {
  it('has every status and every operation', () => {
    expect([...CONTAINER_STATUSES].sort()).toEqual([...COLUMNS].sort());
    expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [operation, row] of Object.entries(EXPECTED) as [Operation, string][]) {
    for (const [i, status] of COLUMNS.entries()) {
      const allowed = row[i] === 'x';
      it(`${operation} of a ${status} container is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(isAllowed(operation, status)).toBe(allowed);
        if (allowed) {
          expect(() => assertAllowed(operation, 'c1', status)).not.toThrow();
          return;
        }
        let error: unknown;
        try {
          assertAllowed(operation, 'c1', status);
        } catch (e) {
          error = e;
        }
        if (operation === 'create') {
          expect(error).toBeInstanceOf(ContainerExistsError);
          expect((error as Error).message).toBe('container with id exists: c1');
          return;
        }
        expect(error).toBeInstanceOf(ContainerStatusError);
        expect(error).toMatchObject({ code: 'ECONTAINERSTATUS', id: 'c1', operation, status });
        expect((error as Error).message).toMatch(new RegExp(`^cannot ${operation} container "c1": `));
        expect((error as Error).message).toContain(status);
      });
    }
  }
});

describe('the texts engines match on', () => {
  it('says "container not running" of every refused operation on a stopped container', () => {
    for (const op of ['start', 'kill', 'pause', 'exec', 'update', 'ps'] as const) {
      expect(() => assertAllowed(op, 'c1', 'stopped')).toThrow('container not running');
    }
    expect(() => assertAllowed('kill', 'c1', 'stopped')).toThrow(
      'cannot kill container "c1": container not running (it is stopped)',
    );
  });

  it('says "container not paused" of a resume of one that is not, and what is needed otherwise', () => {
    expect(() => assertAllowed('resume', 'c1', 'running')).toThrow('container not paused (it is running)');
    expect(() => assertAllowed('start', 'c1', 'running')).toThrow(
      'cannot start container "c1": it is running; start needs it created',
    );
    expect(() => assertAllowed('delete', 'c1', 'paused')).toThrow('delete needs it created or stopped');
  });
});
