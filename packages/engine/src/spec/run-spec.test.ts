import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunImage } from './image-config.js';
import { buildRunSpec, type DockerRunFlags, parseVolume } from './run-spec.js';

const flags = (over: Partial<DockerRunFlags> = {}): DockerRunFlags => ({
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
/** The spec of `run [FLAGS] COMMAND ARGS...` on a root directory or the host's root. */
const runSpec = (
  command: string,
  args: string[],
  f: DockerRunFlags,
  id: string,
  terminal = false,
  callerEnv: Record<string, string> = {},
) => buildRunSpec({ ...f, id, command: [command, ...args], terminal, callerEnv });
const DIR = mkdtempSync(join(tmpdir(), 'gc-options-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('gocontainer run options', () => {
  it('builds Docker-like defaults on the host root', () => {
    const r = runSpec('/bin/sh', ['-c', 'true'], flags(), ID);
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
    const r = runSpec('/bin/true', [], flags({ network: 'host', rootfs: DIR }), ID);
    expect(r.spec.linux?.namespaces?.some((n) => n.type === 'network')).toBe(false);
    expect(r.hostRootOverlay).toBe(false);
    expect(r.spec.mounts?.some((m) => m.destination === '/tmp')).toBe(false);
  });

  it("asks for Docker's /etc files: the hostname, the network, --read-only, and what -v already covers", () => {
    const r = runSpec(
      '/bin/true',
      [],
      flags({ hostname: 'web-1', network: 'host', readOnly: true, volume: ['/etc/hosts:/etc/hosts:ro'] }),
      ID,
    );
    expect(r.etcFiles).toMatchObject({ hostname: 'web-1', network: 'host', readonly: true });
    expect(r.etcFiles.mountedByUser).toContain('/etc/hosts');
    expect(r.etcFiles.mountedByUser).not.toContain('/etc/resolv.conf');
    expect(runSpec('/bin/true', [], flags(), ID).etcFiles).toMatchObject({
      hostname: ID.slice(0, 12),
      network: 'none',
      readonly: false,
    });
  });

  it("with a terminal: process.terminal, and the caller's TERM; without, neither", () => {
    const caller = { TERM: 'gc-test-term' };
    const tty = runSpec('/bin/true', [], flags(), ID, true, caller).spec.process;
    expect(tty.env).toContain('TERM=gc-test-term');
    expect(tty.terminal).toBe(true);
    const plain = runSpec('/bin/true', [], flags(), ID, false, caller).spec.process;
    expect(plain.env?.some((e) => e.startsWith('TERM='))).toBe(false);
    expect(plain.terminal).toBe(false);
  });

  it('-e sets, overrides, and passes through variables', () => {
    const r = runSpec('/bin/true', [], flags({ env: ['A=1', 'PATH=/x', 'GC_TEST_PASS', 'GC_TEST_UNSET'] }), ID, false, {
      GC_TEST_PASS: 'passed',
    });
    expect(r.spec.process.env).toEqual(expect.arrayContaining(['A=1', 'PATH=/x', 'GC_TEST_PASS=passed']));
    expect(r.spec.process.env?.some((e) => e.startsWith('GC_TEST_UNSET'))).toBe(false);
    expect(r.spec.process.env?.filter((e) => e.startsWith('PATH=')).length).toBe(1);
  });

  it('parses volumes as private recursive binds, ro as recursive read-only', () => {
    expect(parseVolume('/tmp:/data:ro')).toEqual({
      destination: '/data',
      type: 'bind',
      source: '/tmp',
      options: ['rbind', 'rprivate', 'rro'],
    });
    expect(parseVolume('/tmp:/data').options).toContain('rw');
  });

  it.each([
    [['busybox', []], {}, 'is not an absolute command path'],
    [['/bin/true', []], { network: 'bridge' }, '--network: "bridge" is not supported (expected none or host)'],
    [['/bin/true', []], { rootfs: '/no/such/dir' }, '--rootfs: "/no/such/dir" is not a directory'],
    [['/bin/true', []], { hostname: 'bad_name!' }, '--hostname: "bad_name!" is not a valid hostname'],
    [['/bin/true', []], { workdir: 'rel' }, '--workdir: the working directory "rel" must be an absolute path'],
    [['/bin/true', []], { volume: ['/tmp'] }, '--volume: "/tmp" is not HOST:CONTAINER[:OPTIONS]'],
    [['/bin/true', []], { volume: ['/tmp:/x:rx'] }, '--volume: "/tmp:/x:rx": "rx" is not a volume option'],
    [['/bin/true', []], { volume: ['/no/such:/x'] }, '--volume: host path /no/such does not exist'],
    [['/bin/true', []], { env: ['=x'] }, '--env: invalid environment variable "=x": the name is empty'],
    // Careless values of every family, refused before anything is made (issue 9).
    [['/bin/true', []], { env: [''] }, '--env: invalid environment variable "": the name is empty'],
    [['/bin/true', []], { env: ['A B=c'] }, '--env: the name of "A B=c" contains whitespace'],
    [['/bin/true', []], { env: ['A\nB=c'] }, '--env: the name of "A\\nB=c" contains a newline'],
    [['/bin/true', []], { env: ['A\0B=c'] }, '--env: the name of "A\\u0000B=c" contains a NUL byte'],
    [['/bin/true', []], { rootfs: '/' }, '--rootfs: "/" is the host\'s root, which cannot be a container\'s root'],
    [['/bin/true', []], { rootfs: '/tmp/..' }, '--rootfs: "/tmp/.." is the host\'s root'],
    [['/bin/true', []], { rootfs: '/tmp\n' }, '--rootfs: the directory "/tmp\\n" contains a newline'],
    [['/bin/true', []], { workdir: '/a\0b' }, '--workdir: the working directory "/a\\u0000b" contains a NUL byte'],
    [['/bin/true', []], { workdir: `/${'a'.repeat(256)}` }, 'has a name of 256 bytes (at most 255)'],
    [['/bin/true', []], { workdir: '/a'.repeat(2048) }, 'is 4096 bytes long (at most 4095)'],
    [['/bin/true', []], { hostname: 'a\nb' }, '--hostname: "a\\nb" is not a valid hostname'],
    [['/bin/true', []], { hostname: 'a'.repeat(65) }, 'is not a valid hostname'],
    [['/bin/true', []], { user: ':' }, '--user: ":" is not USER, UID, USER:GROUP or UID:GID'],
    [['/bin/true', []], { user: '' }, '--user: "" is not USER'],
    [['/bin/true', []], { user: 'root:' }, '--user: "root:" is not USER'],
    [['/bin/true', []], { user: ':root' }, '--user: ":root" is not USER'],
    [['/bin/true', []], { user: '0:0:0' }, '--user: "0:0:0" is not USER'],
    [['/bin/true', []], { user: 'ro ot' }, '--user: "ro ot" is not USER'],
    [['/bin/true', []], { cgroupParent: '../up' }, '--cgroup-parent: "../up" must not contain ".."'],
    [['/bin/true', []], { cgroupParent: 'a:b:c' }, '--cgroup-parent: "a:b:c" looks like a systemd slice path'],
    [['/bin/true', []], { cgroupParent: 'a\nb' }, '--cgroup-parent: the cgroup path "a\\nb" contains a newline'],
    [['/bin/true', []], { volume: ['/tmp:/'] }, '--volume: "/tmp:/": the container path cannot be /'],
    [['/bin/true', []], { volume: ['/tmp:/x/..'] }, '--volume: "/tmp:/x/..": the container path cannot be /'],
    [['/bin/true', []], { volume: ['/tmp:/a\nb'] }, '--volume: the container path "/a\\nb" contains a newline'],
    [['/bin/true', []], { volume: ['/tmp:rel'] }, '--volume: "/tmp:rel": both paths must be absolute'],
    [['/bin/true', []], { volume: [':/x'] }, '--volume: ":/x" is not HOST:CONTAINER[:OPTIONS]'],
    [['/bin/true', []], { sysctl: ['kernel.foo=1'] }, '--sysctl: "kernel.foo=1": not namespaced'],
    [['/bin/true', []], { sysctl: ['=1'] }, '--sysctl: "=1" is not KEY=VALUE'],
    [['/bin/true', []], { sysctl: ['kernel.hostname=x'] }, '--sysctl: "kernel.hostname=x": set the hostname'],
    [['/bin/true', []], { sysctl: ['net.a b=1'] }, '--sysctl: "net.a b=1": not a sysctl name'],
    [['/bin/true', []], { sysctl: ['net.ipv4.ip_forward=1\n0'] }, 'the value contains a newline'],
    [
      ['/bin/true', []],
      { sysctl: ['net.ipv4.ip_forward=1'], network: 'host' },
      '--sysctl: "net.ipv4.ip_forward=1": net.* sysctls are not allowed with --network host',
    ],
    [['/bin/true', []], { ulimit: ['nofile=1:2:3'] }, '--ulimit: "nofile=1:2:3" has too many limit values'],
    [['/bin/true', []], { oomScoreAdj: '-1001' }, '--oom-score-adj: "-1001" is not an integer in the range'],
    [['/bin/true', []], { oomScoreAdj: '1e3' }, '--oom-score-adj: "1e3" is not an integer'],
    [['/bin/true', []], { network: 'a\nb' }, '--network: "a\\nb" is not supported'],
  ] as const)('refuses %j %j', ([command, args], over, message) => {
    expect(() => runSpec(command, [...args], flags(over as Partial<DockerRunFlags>), ID)).toThrow(message);
  });

  it('takes the good edge values', () => {
    const r = runSpec(
      '/bin/true',
      [],
      flags({
        workdir: '/a/../b/',
        user: '0:0',
        oomScoreAdj: '-1000',
        env: ['A=', 'B=multi\nline'],
        sysctl: ['net.ipv4.ip_forward=1', 'kernel.shmmax=65536'],
        hostname: 'a'.repeat(64),
      }),
      ID,
    );
    expect(r.spec.process.cwd).toBe('/b/');
    expect(r.spec.process.oomScoreAdj).toBe(-1000);
    expect(r.spec.process.env).toEqual(expect.arrayContaining(['A=', 'B=multi\nline']));
    expect(r.spec.linux?.sysctl).toEqual({ 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '65536' });
  });

  it("applies Docker's device rules; --device, --device-cgroup-rule and --privileged change them", () => {
    const rules = (over: Partial<DockerRunFlags>) => runSpec('/bin/true', [], flags(over), ID).spec.linux;
    const plain = rules({});
    expect(plain?.resources?.devices?.[0]).toEqual({ allow: false, access: 'rwm' });
    expect(plain?.resources?.devices).toContainEqual({ allow: true, type: 'c', major: 136, access: 'rwm' });
    expect(plain?.devices).toBeUndefined();
    expect(rules({ deviceCgroupRule: ['c 10:229 rw'] })?.resources?.devices?.at(-1)).toEqual({
      allow: true,
      type: 'c',
      major: 10,
      minor: 229,
      access: 'rw',
    });
    expect(rules({ privileged: true, memory: '64m' })?.resources).toEqual({
      memory: { limit: 64 * 1024 * 1024 },
      devices: [{ allow: true, access: 'rwm' }],
    });
    const withNull = rules({ device: ['/dev/null:/dev/mynull:rw'] });
    expect(withNull?.devices).toEqual([
      expect.objectContaining({ path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666 }),
    ]);
    expect(withNull?.resources?.devices?.at(-1)).toEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
  });
  it('runs an image as Docker does: Entrypoint + Cmd, its Env, WorkingDir and User, each flag overriding', () => {
    const image: RunImage = {
      name: 'img:1',
      config: {
        Entrypoint: ['/bin/echo'],
        Cmd: ['hi'],
        Env: ['PATH=/img/bin', 'FOO=bar'],
        WorkingDir: '/app',
        User: '0',
      },
      layers: [DIR],
      readFile: () => undefined,
    };
    const r = buildRunSpec({ id: ID, command: [], image });
    expect(r.spec.process.args).toEqual(['/bin/echo', 'hi']);
    expect(r.spec.process.env).toEqual(expect.arrayContaining(['PATH=/img/bin', 'FOO=bar']));
    expect(r.spec.process.cwd).toBe('/app');
    expect(r.spec.process.user).toMatchObject({ uid: 0, gid: 0 });
    expect([r.spec.root.path, r.imageLayers, r.hostRootOverlay]).toEqual([DIR, [DIR], false]);
    const given = buildRunSpec({ id: ID, command: ['x'], image, workdir: '/w', env: ['FOO=flag'] });
    expect(given.spec.process.args).toEqual(['/bin/echo', 'x']);
    expect(given.spec.process.cwd).toBe('/w');
    expect(given.spec.process.env).toContain('FOO=flag');
    expect(buildRunSpec({ id: ID, command: ['/bin/sh'], image, entrypoint: '' }).spec.process.args).toEqual([
      '/bin/sh',
    ]);
    expect(() => buildRunSpec({ id: ID, command: [], image, entrypoint: '' })).toThrow('run: no command specified');
    expect(() => buildRunSpec({ id: ID, command: [], image, rootfs: DIR })).toThrow(
      '--rootfs: cannot be given with an image',
    );
    expect(() => buildRunSpec({ id: ID, command: ['/bin/true'], entrypoint: '/bin/sh' })).toThrow(
      '--entrypoint: only with an image',
    );
  });
});
