import { describe, expect, it } from 'vitest';
import { imageArgs, imageEnv, imageUser, imageWorkdir, pullPolicy, type RunImage } from './image-config.js';

const image = (config: RunImage['config']): RunImage => ({
  name: 'img:1',
  config,
  layers: ['/l'],
  readFile: () => undefined,
});

describe("an image's run settings, as Docker applies them", () => {
  it('runs Entrypoint + Cmd; a COMMAND replaces the Cmd only', () => {
    const both = image({ Entrypoint: ['/bin/echo', 'ep'], Cmd: ['default'] });
    expect(imageArgs(both, [], undefined)).toEqual(['/bin/echo', 'ep', 'default']);
    expect(imageArgs(both, ['given', '-x'], undefined)).toEqual(['/bin/echo', 'ep', 'given', '-x']);
    expect(imageArgs(image({ Cmd: ['/bin/sh'] }), ['ls', '-la'], undefined)).toEqual(['ls', '-la']);
  });

  it("--entrypoint replaces the Entrypoint and drops the image's Cmd; '' clears it", () => {
    const both = image({ Entrypoint: ['/bin/echo'], Cmd: ['default'] });
    expect(imageArgs(both, [], '/bin/sh')).toEqual(['/bin/sh']);
    expect(imageArgs(both, ['-c', 'x'], '/bin/sh')).toEqual(['/bin/sh', '-c', 'x']);
    expect(imageArgs(both, ['/bin/true'], '')).toEqual(['/bin/true']);
    expect(() => imageArgs(both, [], '')).toThrow(
      'run: no command specified: the image img:1 has no Entrypoint nor Cmd',
    );
    expect(() => imageArgs(image({}), [], undefined)).toThrow('no command specified');
  });

  it('takes WorkingDir, User and Env, refusing what Docker refuses and naming the field', () => {
    expect(imageWorkdir(image({ WorkingDir: '/srv/../app/' }))).toBe('/app/');
    expect(imageWorkdir(image({ WorkingDir: '' }))).toBeUndefined();
    expect(() => imageWorkdir(image({ WorkingDir: 'rel' }))).toThrow(
      'image img:1: config.WorkingDir "rel" is invalid: it needs to be an absolute path',
    );
    expect(imageUser(image({ User: 'app:staff' }))).toBe('app:staff');
    expect(imageUser(image({}))).toBeUndefined();
    expect(() => imageUser(image({ User: 'a:b:c' }))).toThrow('image img:1: config.User "a:b:c" is not USER');
    expect(imageEnv(image({ Env: ['A=1', 'B=x=y', 'NOVALUE', '=bad'] }))).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
  });

  it('--pull takes missing (default), always or never', () => {
    expect(pullPolicy(undefined)).toBe('missing');
    expect(pullPolicy('always')).toBe('always');
    expect(() => pullPolicy('Always')).toThrow(
      '--pull: "Always" is not a pull policy (expected missing, always or never)',
    );
  });
});
