import { describe, expect, it } from 'vitest';
import { buildRunRequest, parseVolume, type RunFlags } from './options.js';

const flags = (over: Partial<RunFlags> = {}): RunFlags => ({
  env: [],
  volume: [],
  network: 'none',
  capAdd: [],
  capDrop: [],
  securityOpt: [],
  ulimit: [],
  sysctl: [],
  ...over,
});
const ID = 'ab'.repeat(32);

describe('gocontainer run options', () => {
  it('builds Docker-like defaults on the host root', () => {
    const r = buildRunRequest('/bin/sh', ['-c', 'true'], flags(), ID);
    expect(r.hostRootOverlay).toBe(true);
    expect(r.spec.process.args).toEqual(['/bin/sh', '-c', 'true']);
    expect(r.spec.hostname).toBe(ID.slice(0, 12));
    expect(r.spec.process.env).toContain(`HOSTNAME=${ID.slice(0, 12)}`);
    expect(r.spec.process.env?.some((e) => e.startsWith('PATH=/usr/local/sbin:'))).toBe(true);
    expect(r.spec.linux?.namespaces?.map((n) => n.type).sort()).toEqual(
      ['cgroup', 'ipc', 'mount', 'network', 'pid', 'uts'].sort(),
    );
    expect(r.spec.mounts?.some((m) => m.destination === '/tmp' && m.type === 'tmpfs')).toBe(true);
    expect(r.spec.linux?.maskedPaths).toContain('/proc/kcore');
  });

  it('--network host keeps the host network namespace; --rootfs uses the directory', () => {
    const r = buildRunRequest('/bin/true', [], flags({ network: 'host', rootfs: '/' }), ID);
    expect(r.spec.linux?.namespaces?.some((n) => n.type === 'network')).toBe(false);
    expect(r.hostRootOverlay).toBe(false);
    expect(r.spec.mounts?.some((m) => m.destination === '/tmp')).toBe(false);
  });

  it("with a terminal: process.terminal, and the caller's TERM; without, neither", () => {
    const saved = process.env.TERM;
    process.env.TERM = 'gc-test-term';
    try {
      const tty = buildRunRequest('/bin/true', [], flags(), ID, true).spec.process;
      expect(tty.env).toContain('TERM=gc-test-term');
      expect(tty.terminal).toBe(true);
      const plain = buildRunRequest('/bin/true', [], flags(), ID, false).spec.process;
      expect(plain.env?.some((e) => e.startsWith('TERM='))).toBe(false);
      expect(plain.terminal).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.TERM;
      else process.env.TERM = saved;
    }
  });

  it('-e sets, overrides, and passes through variables', () => {
    process.env.GC_TEST_PASS = 'passed';
    const r = buildRunRequest('/bin/true', [], flags({ env: ['A=1', 'PATH=/x', 'GC_TEST_PASS', 'GC_TEST_UNSET'] }), ID);
    expect(r.spec.process.env).toEqual(expect.arrayContaining(['A=1', 'PATH=/x', 'GC_TEST_PASS=passed']));
    expect(r.spec.process.env?.some((e) => e.startsWith('GC_TEST_UNSET'))).toBe(false);
    expect(r.spec.process.env?.filter((e) => e.startsWith('PATH=')).length).toBe(1);
  });

  it('parses volumes as private recursive binds', () => {
    expect(parseVolume('/tmp:/data:ro')).toEqual({
      destination: '/data',
      type: 'bind',
      source: '/tmp',
      options: ['rbind', 'rprivate', 'ro'],
    });
    expect(parseVolume('/tmp:/data').options).toContain('rw');
  });

  it.each([
    [['busybox', []], {}, 'is not an absolute command path'],
    [['/bin/true', []], { network: 'bridge' }, '--network: "bridge" is not supported (expected none or host)'],
    [['/bin/true', []], { rootfs: '/no/such/dir' }, '--rootfs: /no/such/dir is not a directory'],
    [['/bin/true', []], { hostname: 'bad_name!' }, '--hostname: "bad_name!" is not a valid hostname'],
    [['/bin/true', []], { workdir: 'rel' }, '--workdir: "rel" must be an absolute path'],
    [['/bin/true', []], { volume: ['/tmp'] }, '--volume: "/tmp" is not HOST:CONTAINER[:ro]'],
    [['/bin/true', []], { volume: ['/tmp:/x:rx'] }, 'the mode must be ro or rw, not "rx"'],
    [['/bin/true', []], { volume: ['/no/such:/x'] }, '--volume: host path /no/such does not exist'],
    [['/bin/true', []], { env: ['=x'] }, '--env: "=x" has no name'],
  ] as const)('refuses %j %j', ([command, args], over, message) => {
    expect(() => buildRunRequest(command, [...args], flags(over as Partial<RunFlags>), ID)).toThrow(message);
  });
});
