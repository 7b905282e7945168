import { describe, expect, it } from 'vitest';
import { dockerVolume } from './docker-volume.js';

describe('dockerVolume', () => {
  it('is a private recursive bind; ro is recursive read-only (rro), as since Docker 25', () => {
    expect(dockerVolume('/srv:/data:ro')).toEqual({
      destination: '/data',
      type: 'bind',
      source: '/srv',
      options: ['rbind', 'rprivate', 'rro'],
    });
    expect(dockerVolume('/srv:/data').options).toEqual(['rbind', 'rprivate', 'rw']);
    expect(dockerVolume('/srv:/data:rw').options).toEqual(['rbind', 'rprivate', 'rw']);
  });

  it("takes Docker's option list: one access mode, one propagation, z/Z and consistency hints ignored", () => {
    expect(dockerVolume('/srv:/data:rw,rslave').options).toEqual(['rbind', 'rslave', 'rw']);
    expect(() => dockerVolume('/srv:/data:ro,rslave')).toThrow(
      '--volume: "/srv:/data:ro,rslave": ro cannot be given with rslave: mounts propagated in later would be writable (use rprivate, the default)',
    );
    expect(dockerVolume('/srv:/data:shared,Z').options).toEqual(['rbind', 'shared', 'rw']);
    expect(dockerVolume('/srv:/data:z,cached,ro').options).toEqual(['rbind', 'rprivate', 'rro']);
  });

  it.each([
    ['/srv', '--volume: "/srv" is not HOST:CONTAINER[:OPTIONS]'],
    ['/srv:/a:ro:x', '--volume: "/srv:/a:ro:x" is not HOST:CONTAINER[:OPTIONS]'],
    [':/a', '--volume: ":/a" is not HOST:CONTAINER[:OPTIONS]'],
    ['srv:/a', '--volume: "srv:/a": both paths must be absolute'],
    ['/srv:a', '--volume: "/srv:a": both paths must be absolute'],
    ['/srv:/', '--volume: "/srv:/": the container path cannot be /'],
    ['/srv:/a:rx', '--volume: "/srv:/a:rx": "rx" is not a volume option (ro, rw, z, Z, private, rprivate, shared'],
    ['/srv:/a:', '--volume: "/srv:/a:": "" is not a volume option'],
    ['/srv:/a:ro,rw', '--volume: "/srv:/a:ro,rw": "ro" and "rw" cannot be given together'],
    [
      '/srv:/a:private,rshared',
      '--volume: "/srv:/a:private,rshared": "private" and "rshared" cannot be given together',
    ],
    ['/srv:/a:nocopy', 'nocopy is for named volumes, which gocontainer does not have'],
    ['/srv:/a:rro', '--volume: "/srv:/a:rro": "rro" is not a volume option'],
  ])('refuses %j', (value, message) => {
    expect(() => dockerVolume(value)).toThrow(message);
    try {
      dockerVolume(value);
    } catch (e) {
      expect(e).toMatchObject({ name: 'GcError', code: 'EUSAGE' });
    }
  });
});
