import { describe, expect, it } from 'vitest';
import { applyChanges } from './dockerfile-changes.js';

describe('applyChanges', () => {
  it('takes the JSON form as is and wraps the shell form in /bin/sh -c', () => {
    expect(applyChanges({}, ['CMD ["echo", "a b"]', 'ENTRYPOINT exec "$0"'])).toEqual({
      Cmd: ['echo', 'a b'],
      Entrypoint: ['/bin/sh', '-c', 'exec "$0"'],
    });
    // Not a JSON array of strings: Docker runs it as shell text.
    expect(applyChanges({}, ['CMD [1, 2]']).Cmd).toEqual(['/bin/sh', '-c', '[1, 2]']);
  });

  it('replaces an ENV variable already set, keeping the order', () => {
    const config = applyChanges({ Env: ['PATH=/bin', 'A=1'] }, ['env PATH=/usr/bin:/bin', "ENV B='x y' C=a\\ b"]);
    expect(config.Env).toEqual(['PATH=/usr/bin:/bin', 'A=1', 'B=x y', 'C=a b']);
  });

  it('resolves WORKDIR against the one before, and reads VOLUME and STOPSIGNAL', () => {
    expect(
      applyChanges({}, [
        'WORKDIR a',
        'WORKDIR ../b',
        'VOLUME ["/data", "/logs"]',
        'VOLUME /cache',
        'STOPSIGNAL SIGTERM',
      ]),
    ).toEqual({
      WorkingDir: '/b',
      Volumes: { '/data': {}, '/logs': {}, '/cache': {} },
      StopSignal: 'SIGTERM',
    });
  });

  it('refuses what it cannot apply, naming the change', () => {
    expect(() => applyChanges({}, ['CMD'])).toThrow('changes[0]: "CMD": CMD needs an argument');
    expect(() => applyChanges({}, ['CMD []'])).toThrow('changes[0]: "CMD []": an empty command');
    expect(() => applyChanges({}, ['ENV A="open'])).toThrow('changes[0]: "ENV A=\\"open": an unterminated " quote');
    expect(() => applyChanges({}, ['LABEL a'])).toThrow('changes[0]: "LABEL a": "a" is not KEY=value');
    expect(() => applyChanges({}, ['USER a b'])).toThrow('changes[0]: "USER a b": expected one value');
    expect(() => applyChanges({}, ['EXPOSE http'])).toThrow('"http" is not PORT[/PROTOCOL]');
    expect(() => applyChanges({}, ['', 'FROM x'])).toThrow(/^changes\[0\]: "": an empty line is not a change/);
  });
});
