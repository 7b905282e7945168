import { describe, expect, it } from 'vitest';
import { ContainerIdError } from '../errors.js';
import { MAX_ID_LENGTH, validateContainerId } from './validate-id.js';

describe('validateContainerId', () => {
  it('takes the ids engines make and runc takes', () => {
    for (const id of [
      'c1',
      'a'.repeat(64),
      'k8s_POD_nginx-0_default_0',
      'ctr.v1+x',
      'a,b',
      'x'.repeat(MAX_ID_LENGTH),
      'ends.',
    ]) {
      expect(() => validateContainerId(id)).not.toThrow();
    }
  });

  it.each([
    ['', 'must not be empty'],
    ['.', 'may hold only letters|must not start with a dot'],
    ['..', 'must not start with a dot'],
    ['../etc', 'may hold only letters'],
    ['a/b', 'may hold only letters'],
    ['a b', 'may hold only letters'],
    ['ä', 'may hold only letters'],
    ['a\nb', 'may hold only letters'],
    ['.hidden', 'must not start with a dot'],
    ['x'.repeat(MAX_ID_LENGTH + 1), `is longer than ${MAX_ID_LENGTH} characters`],
  ])('refuses %j, naming it', (id, why) => {
    let error: unknown;
    try {
      validateContainerId(id);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContainerIdError);
    expect(error).toMatchObject({ code: 'EINVALIDID', id });
    expect((error as Error).message).toMatch(new RegExp(`^container id ${escapeRegExp(JSON.stringify(id))}: (${why})`));
  });
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
