import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from './errors.js';
import { validateProcess, validateSpec } from './validate-spec.js';

const fixtures = join(import.meta.dirname, '__fixtures__', 'engine-specs');

/** The config.json containerd, dockerd and podman handed a runtime (recipes/engines/captured/specs). */
const engineSpecs = readdirSync(fixtures).map((name) => [name, readFileSync(join(fixtures, name), 'utf8')] as const);

function runcSpec(args: string[]): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'gc-runc-spec-'));
  try {
    execFileSync('runc', ['spec', ...args], { cwd: dir });
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** A parsed config.json, to break at any depth. */
// biome-ignore lint/suspicious/noExplicitAny: the tests reach into arbitrary fields of parsed JSON
type Config = Record<string, any>;

/** A valid config to break: podman's (it has seccomp, mounts, resources and annotations). */
function podman(): Config {
  return JSON.parse(readFileSync(join(fixtures, 'podman.json'), 'utf8'));
}

function isReplacement(value: unknown): value is { replace: unknown } {
  return typeof value === 'object' && value !== null && 'replace' in value;
}

function messageOf(json: unknown): string {
  try {
    validateSpec(json);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).code).toBe('EINVALIDSPEC');
    return (error as Error).message;
  }
  throw new Error('validateSpec accepted the config');
}

describe('validateSpec', () => {
  it.each(engineSpecs)('accepts the config.json an engine hands the runtime (%s)', (_name, text) => {
    const json = JSON.parse(text);
    expect(validateSpec(json)).toBe(json);
  });

  it('accepts `runc spec` and `runc spec --rootless`', () => {
    expect(validateSpec(runcSpec([])).process.args).toEqual(['sh']);
    expect(validateSpec(runcSpec(['--rootless'])).linux?.uidMappings).toHaveLength(1);
  });

  it('accepts a minimal config of each supported version', () => {
    for (const ociVersion of ['1.0.0', '1.0.2-dev', '1.1.0', '1.2.0', '1.2.1+dev']) {
      const spec = { ociVersion, root: { path: 'rootfs' }, process: { args: ['sh'], cwd: '/' } };
      expect(validateSpec(spec).ociVersion).toBe(ociVersion);
    }
  });

  it('accepts 1.1 and 1.2 fields: time namespace, idmapped mounts, scheduler, personality', () => {
    const spec = podman();
    spec.ociVersion = '1.2.0';
    spec.linux.namespaces.push({ type: 'time' }, { type: 'user' });
    spec.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    spec.linux.timeOffsets = { monotonic: { secs: 86400 }, boottime: { secs: 600, nanosecs: 5 } };
    spec.linux.personality = { domain: 'LINUX32' };
    spec.mounts.push({
      destination: '/data',
      type: 'bind',
      source: '/srv',
      options: ['rbind', 'idmap'],
      uidMappings: [],
    });
    spec.process.scheduler = { policy: 'SCHED_BATCH', nice: 5 };
    spec.process.ioPriority = { class: 'IOPRIO_CLASS_IDLE' };
    expect(() => validateSpec(spec)).not.toThrow();
  });

  // Each broken variant of a valid config and the one line that names what is wrong.
  const broken: [string, (spec: Config) => unknown, string][] = [
    ['not an object', () => ({ replace: [] }), 'config.json: expected an object, got an array'],
    ['null', () => ({ replace: null }), 'config.json: expected an object, got null'],
    ['no ociVersion', (s) => delete s.ociVersion, 'ociVersion: required'],
    ['ociVersion a number', (s) => (s.ociVersion = 1), 'ociVersion: expected a string, got the number 1'],
    [
      'ociVersion 2',
      (s) => (s.ociVersion = '2.0.0'),
      'ociVersion: "2.0.0" is not supported: expected 1.x (1.0 to 1.2)',
    ],
    [
      'ociVersion 0.5',
      (s) => (s.ociVersion = '0.5.0'),
      'ociVersion: "0.5.0" is not supported: expected 1.x (1.0 to 1.2)',
    ],
    [
      'ociVersion not semver',
      (s) => (s.ociVersion = 'latest'),
      'ociVersion: "latest" is not a version (MAJOR.MINOR.PATCH)',
    ],
    ['no root', (s) => delete s.root, 'root: required'],
    ['no root.path', (s) => delete s.root.path, 'root.path: required'],
    ['empty root.path', (s) => (s.root.path = ''), 'root.path: expected a path, got ""'],
    [
      'root.readonly a string',
      (s) => (s.root.readonly = 'yes'),
      'root.readonly: expected a boolean, got the string "yes"',
    ],
    ['no process', (s) => delete s.process, 'process: required'],
    ['no process.cwd', (s) => delete s.process.cwd, 'process.cwd: required'],
    ['relative process.cwd', (s) => (s.process.cwd = 'home'), 'process.cwd: expected an absolute path, got "home"'],
    ['no process.args', (s) => delete s.process.args, 'process.args: expected at least one argument, the command'],
    ['empty process.args', (s) => (s.process.args = []), 'process.args: expected at least one argument, the command'],
    ['process.args a string', (s) => (s.process.args = 'sh'), 'process.args: expected an array, got the string "sh"'],
    ['process.args[0] a number', (s) => (s.process.args = [1]), 'process.args[0]: expected a string, got the number 1'],
    ['process.env[2] null', (s) => (s.process.env[2] = null), 'process.env[2]: expected a string, got null'],
    ['negative uid', (s) => (s.process.user.uid = -1), 'process.user.uid: expected at least 0, got -1'],
    [
      'uid past 32 bits',
      (s) => (s.process.user.uid = 2 ** 32),
      'process.user.uid: expected at most 4294967295, got 4294967296',
    ],
    ['fractional gid', (s) => (s.process.user.gid = 1.5), 'process.user.gid: expected an integer, got the number 1.5'],
    [
      'lower-case rlimit',
      (s) => (s.process.rlimits[0].type = 'rlimit_nofile'),
      'process.rlimits[0].type: "rlimit_nofile" does not match ^RLIMIT_[A-Z]+$',
    ],
    ['rlimit without hard', (s) => delete s.process.rlimits[0].hard, 'process.rlimits[0].hard: required'],
    [
      'capabilities not a list',
      (s) => (s.process.capabilities.bounding = 'CAP_KILL'),
      'process.capabilities.bounding: expected an array, got the string "CAP_KILL"',
    ],
    ['terminal a number', (s) => (s.process.terminal = 0), 'process.terminal: expected a boolean, got the number 0'],
    [
      'unknown io class',
      (s) => (s.process.ioPriority = { class: 'RT' }),
      'process.ioPriority.class: "RT" is not one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE',
    ],
    ['hostname a number', (s) => (s.hostname = 7), 'hostname: expected a string, got the number 7'],
    ['mount without destination', (s) => delete s.mounts[3].destination, 'mounts[3].destination: required'],
    [
      'relative mount destination',
      (s) => (s.mounts[1].destination = 'dev'),
      'mounts[1].destination: expected an absolute path, got "dev"',
    ],
    [
      'mount option a number',
      (s) => (s.mounts[0].options[1] = 4),
      'mounts[0].options[1]: expected a string, got the number 4',
    ],
    [
      'annotation value a number',
      (s) => (s.annotations['io.podman.x'] = 1),
      'annotations["io.podman.x"]: expected a string, got the number 1',
    ],
    [
      'unknown namespace',
      (s) => (s.linux.namespaces[2].type = 'foo'),
      'linux.namespaces[2].type: "foo" is not one of mount, pid, network, uts, ipc, user, cgroup, time',
    ],
    [
      'namespace without type',
      (s) => (s.linux.namespaces[1] = { path: '/proc/1/ns/net' }),
      'linux.namespaces[1].type: required',
    ],
    [
      'namespace twice',
      (s) => s.linux.namespaces.push({ type: 'pid' }),
      'linux.namespaces[5].type: "pid" is given twice (also linux.namespaces[0])',
    ],
    [
      'uidMappings without a user namespace',
      (s) => (s.linux.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]),
      'linux.uidMappings: needs a user namespace (linux.namespaces: { "type": "user" })',
    ],
    [
      'id mapping without size',
      (s) => (s.linux.gidMappings = [{ containerID: 0, hostID: 1000 }]),
      'linux.gidMappings[0].size: required',
    ],
    [
      'timeOffsets without a time namespace',
      (s) => (s.linux.timeOffsets = { monotonic: { secs: 1 } }),
      'linux.timeOffsets: needs a time namespace (linux.namespaces: { "type": "time" })',
    ],
    [
      'seccomp without defaultAction',
      (s) => delete s.linux.seccomp.defaultAction,
      'linux.seccomp.defaultAction: required',
    ],
    [
      'unknown seccomp action',
      (s) => (s.linux.seccomp.syscalls[0].action = 'SCMP_ACT_DENY'),
      'linux.seccomp.syscalls[0].action: "SCMP_ACT_DENY" is not one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY',
    ],
    [
      'syscall rule without names',
      (s) => (s.linux.seccomp.syscalls[1].names = []),
      'linux.seccomp.syscalls[1].names: expected at least 1 item',
    ],
    [
      'unknown architecture',
      (s) => (s.linux.seccomp.architectures[0] = 'x86_64'),
      'linux.seccomp.architectures[0]: "x86_64" is not one of SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64',
    ],
    [
      'pids limit a string',
      (s) => (s.linux.resources.pids.limit = '2048'),
      'linux.resources.pids.limit: expected an integer, got the string "2048"',
    ],
    [
      'device rule without allow',
      (s) => delete s.linux.resources.devices[0].allow,
      'linux.resources.devices[0].allow: required',
    ],
    [
      'device of an unknown type',
      (s) => (s.linux.devices = [{ type: 'x', path: '/dev/x' }]),
      'linux.devices[0].type: "x" does not match ^[cbup]$',
    ],
    [
      'sysctl value a number',
      (s) => (s.linux.sysctl = { 'net.ipv4.ip_forward': 1 }),
      'linux.sysctl["net.ipv4.ip_forward"]: expected a string, got the number 1',
    ],
    [
      'unknown rootfsPropagation',
      (s) => (s.linux.rootfsPropagation = 'rprivate'),
      'linux.rootfsPropagation: "rprivate" is not one of private, shared, slave, unbindable',
    ],
    ['hook without path', (s) => (s.hooks = { prestart: [{ args: ['x'] }] }), 'hooks.prestart[0].path: required'],
    [
      'hook timeout 0',
      (s) => (s.hooks = { poststop: [{ path: '/bin/true', timeout: 0 }] }),
      'hooks.poststop[0].timeout: expected at least 1, got 0',
    ],
    [
      'hook with a relative path',
      (s) => (s.hooks = { createRuntime: [{ path: '/bin/true' }, { path: 'bin/hook' }] }),
      'hooks.createRuntime[1].path: expected an absolute path, got "bin/hook"',
    ],
  ];

  it.each(broken)('refuses a config with %s, naming the field', (_what, breakIt, message) => {
    const spec = podman();
    const result = breakIt(spec);
    const json = isReplacement(result) ? result.replace : spec;
    expect(messageOf(json)).toBe(message);
  });

  it('names the deepest of several errors, the field inside rather than its container', () => {
    const spec = podman();
    spec.linux.namespaces[4] = { type: 'mnt' };
    spec.hostname = 7;
    expect(messageOf(spec)).toBe(
      'linux.namespaces[4].type: "mnt" is not one of mount, pid, network, uts, ipc, user, cgroup, time',
    );
  });
});

describe('validateProcess', () => {
  const message = (json: unknown) => {
    try {
      validateProcess(json);
    } catch (e) {
      expect(SpecError.isInstance(e)).toBe(true);
      return (e as Error).message;
    }
    return 'valid';
  };

  it("takes the process JSON containerd's shim writes for an exec", () => {
    const process = {
      user: { uid: 0, gid: 0 },
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      cwd: '/',
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
      noNewPrivileges: true,
    };
    expect(validateProcess(process)).toEqual(process);
  });

  it('names the field of the process that is wrong', () => {
    expect(message([])).toBe('process: expected an object, got an array');
    expect(message({ args: ['sh'] })).toBe('process.cwd: required');
    expect(message({ args: [1], cwd: '/' })).toBe('process.args[0]: expected a string, got the number 1');
    expect(message({ args: [], cwd: '/' })).toBe('process.args: expected at least one argument, the command');
    expect(message({ args: ['sh'], cwd: 'tmp' })).toBe('process.cwd: expected an absolute path, got "tmp"');
    expect(message({ args: ['sh'], cwd: '/', user: { uid: 'root', gid: 0 } })).toBe(
      'process.user.uid: expected an integer, got the string "root"',
    );
  });
});
