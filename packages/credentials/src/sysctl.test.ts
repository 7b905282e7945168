import { AT_FDCWD, O_CLOEXEC, O_WRONLY, Program, RESOLVE_NO_SYMLINKS } from '@gc/syscall';
import { FakeKernel, type FakeOpRecord, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { planSysctls, validateSysctls } from './sysctl.js';

const OWN = [{ type: 'ipc' }, { type: 'network' }, { type: 'uts' }, { type: 'mount' }];
const notHost = () => false;

describe('validateSysctls', () => {
  it('takes the namespaced ones, in dotted or slashed form', () => {
    const valid = validateSysctls(
      {
        'kernel.shmmax': '68719476736',
        'kernel/sem': '250 32000 100 128',
        'fs.mqueue.msg_max': '100',
        'net.ipv4.ip_forward': '1',
        'kernel.domainname': 'example.org',
      },
      { namespaces: OWN },
    );
    expect(valid.map((s) => [s.key, s.path])).toEqual([
      ['kernel.shmmax', '/proc/sys/kernel/shmmax'],
      ['kernel.sem', '/proc/sys/kernel/sem'],
      ['fs.mqueue.msg_max', '/proc/sys/fs/mqueue/msg_max'],
      ['net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward'],
      ['kernel.domainname', '/proc/sys/kernel/domainname'],
    ]);
  });

  it('refuses what is not namespaced, naming the key', () => {
    expect(() => validateSysctls({ 'kernel.core_pattern': '|/bin/sh' }, { namespaces: OWN })).toThrow(
      'linux.sysctl["kernel.core_pattern"]: not namespaced, so it would change the host',
    );
    expect(() => validateSysctls({ 'vm.overcommit_memory': '1' }, { namespaces: OWN })).toThrow(
      'linux.sysctl["vm.overcommit_memory"]: not namespaced',
    );
    expect(() => validateSysctls({ 'kernel.hostname': 'x' }, { namespaces: OWN })).toThrow(
      'linux.sysctl["kernel.hostname"]: set the hostname with the OCI "hostname" field instead',
    );
  });

  it("needs the container's own namespace", () => {
    expect(() => validateSysctls({ 'kernel.shmmax': '1' }, { namespaces: [{ type: 'mount' }] })).toThrow(
      'linux.sysctl["kernel.shmmax"]: needs an IPC namespace of the container\'s own: add {"type": "ipc"} to linux.namespaces',
    );
    expect(() => validateSysctls({ 'net.core.somaxconn': '1' }, { namespaces: [{ type: 'ipc' }] })).toThrow(
      'linux.sysctl["net.core.somaxconn"]: needs a network namespace',
    );
    expect(() => validateSysctls({ 'kernel.domainname': 'a' }, { namespaces: [{ type: 'ipc' }] })).toThrow(
      'needs a UTS namespace',
    );
    expect(() =>
      validateSysctls(
        { 'net.core.somaxconn': '1' },
        { namespaces: [{ type: 'network', path: '/proc/1/ns/net' }], isHostNetworkNamespace: () => true },
      ),
    ).toThrow('linux.sysctl["net.core.somaxconn"]: the network namespace /proc/1/ns/net is the host\'s');
    expect(
      validateSysctls(
        { 'net.core.somaxconn': '1' },
        { namespaces: [{ type: 'network', path: '/run/netns/x' }], isHostNetworkNamespace: notHost },
      ),
    ).toHaveLength(1);
  });

  it("compares a joined network namespace with the runtime's own by default", () => {
    expect(() =>
      validateSysctls({ 'net.core.somaxconn': '1' }, { namespaces: [{ type: 'network', path: '/proc/self/ns/net' }] }),
    ).toThrow("is the host's");
  });

  it('refuses keys that could walk out of /proc/sys, and values that are not strings', () => {
    for (const key of ['net..ipv4', 'net.ipv4.', 'net/../../etc/x', 'net.a b']) {
      expect(() => validateSysctls({ [key]: '1' }, { namespaces: OWN }), key).toThrow('not a sysctl name');
    }
    expect(() => validateSysctls({ 'kernel.shmmax': 5 }, { namespaces: OWN })).toThrow(
      'linux.sysctl["kernel.shmmax"]: expected a string value without NUL bytes, got 5',
    );
  });
});

describe('planSysctls', () => {
  it('openat2 with RESOLVE_NO_SYMLINKS, write the value, close', () => {
    const program = new Program();
    planSysctls(program, { 'kernel.shmmax': '4096', 'net/ipv4/ip_forward': '1' }, { namespaces: OWN });
    program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
    const kernel = new FakeKernel();
    kernel.onSyscall('openat2', () => 7);
    kernel.spawn(program);
    const ops = (kernel.lastRun?.ops ?? []).filter((o) => o.kind !== 'execvp');
    expect(ops.map((o) => o.label)).toEqual([
      'open /proc/sys/kernel/shmmax',
      'set sysctl kernel.shmmax to "4096"',
      'close /proc/sys/kernel/shmmax',
      'open /proc/sys/net/ipv4/ip_forward',
      'set sysctl net.ipv4.ip_forward to "1"',
      'close /proc/sys/net/ipv4/ip_forward',
    ]);
    const open = ops[0] as FakeOpRecord;
    expect(open.syscall).toBe('openat2');
    expect(open.args[0]).toBe(AT_FDCWD);
    expect(open.args[1]).toBe('/proc/sys/kernel/shmmax');
    const how = (open.args[2] as FakePointer).bytes;
    const view = new DataView(how.buffer, how.byteOffset, how.byteLength);
    expect([view.getBigUint64(0, true), view.getBigUint64(8, true), view.getBigUint64(16, true)]).toEqual([
      BigInt(O_WRONLY | O_CLOEXEC),
      0n,
      BigInt(RESOLVE_NO_SYMLINKS),
    ]);
    expect(open.args[3]).toBe(24);
    // The write and close use the fd the open returned.
    expect(ops[1]?.args).toEqual([7, '4096', 4]);
    expect(ops[2]?.args).toEqual([7]);
  });
});
