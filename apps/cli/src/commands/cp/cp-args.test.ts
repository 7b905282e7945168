import { describe, expect, it } from 'vitest';
import { cpDirection, hostPath, parseCpArg } from './cp-args.js';

describe('cp arguments', () => {
  it("reads CONTAINER:PATH as Docker does, a container's path from its root", () => {
    expect(parseCpArg('web:/etc/hosts')).toEqual({ container: 'web', path: '/etc/hosts' });
    expect(parseCpArg('web:etc/hosts')).toEqual({ container: 'web', path: '/etc/hosts' });
    expect(parseCpArg('abc123:')).toEqual({ container: 'abc123', path: '/' });
  });

  it('takes a path that starts with / or . as the host, colons and all; - is a stream', () => {
    expect(parseCpArg('/tmp/a:b')).toEqual({ path: '/tmp/a:b' });
    expect(parseCpArg('./a:b')).toEqual({ path: './a:b' });
    expect(parseCpArg('-')).toEqual({ path: '-' });
    expect(parseCpArg('plain')).toEqual({ path: 'plain' });
  });

  it('makes a host path absolute, keeping a trailing / or /.', () => {
    expect(hostPath('/tmp/x/')).toBe('/tmp/x/');
    expect(hostPath('/tmp/x/.')).toBe('/tmp/x/.');
    expect(hostPath('/')).toBe('/');
    expect(hostPath('rel')).toBe(`${process.cwd()}/rel`);
  });

  it('needs exactly one side in a container', () => {
    expect(cpDirection(parseCpArg('web:/a'), parseCpArg('/b'))).toBe('from-container');
    expect(cpDirection(parseCpArg('/a'), parseCpArg('web:/b'))).toBe('to-container');
    expect(() => cpDirection(parseCpArg('/a'), parseCpArg('/b'))).toThrow(/must specify at least one container/);
    expect(() => cpDirection(parseCpArg('a:/x'), parseCpArg('b:/y'))).toThrow(/copying between containers/);
  });
});
