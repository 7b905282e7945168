import { Program } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { planDomainname, planHostname, requireNamespace } from './hostname.js';
import { planLoopbackUp } from './loopback.js';

describe('planHostname / planDomainname', () => {
  it('plans sethostname and setdomainname with the byte length', () => {
    const program = new Program();
    planHostname(program, 'höst');
    planDomainname(program, 'example.org');
    const kernel = new FakeKernel();
    kernel.spawn(program);
    expect(kernel.lastRun?.ops.map((o) => [o.syscall, o.args, o.label, o.pkg])).toEqual([
      ['sethostname', ['höst', 5], 'set the hostname to höst', '@gc/namespaces'],
      ['setdomainname', ['example.org', 11], 'set the domain name to example.org', '@gc/namespaces'],
    ]);
  });

  it('refuses names the kernel would refuse', () => {
    const program = new Program();
    expect(() => planHostname(program, 'x'.repeat(65))).toThrow('hostname: 65 bytes, the kernel takes at most 64');
    expect(() => planDomainname(program, 'a\0b')).toThrow('domainname: contains a NUL byte');
    expect(() => planHostname(program, 'x'.repeat(64))).not.toThrow();
  });

  it('requireNamespace says which namespace a setting needs', () => {
    expect(() => requireNamespace([{ type: 'pid' }], 'uts', 'hostname')).toThrow(
      'hostname: needs a uts namespace of the container\'s own: add {"type": "uts"} to linux.namespaces',
    );
    expect(() => requireNamespace([{ type: 'uts' }], 'uts', 'hostname')).not.toThrow();
  });
});

describe('planLoopbackUp', () => {
  it('opens a socket, sets IFF_UP|IFF_LOOPBACK|IFF_RUNNING on "lo" with SIOCSIFFLAGS, closes it', () => {
    const program = new Program();
    planLoopbackUp(program);
    const kernel = new FakeKernel();
    kernel.onSyscall('socket', () => 7);
    kernel.spawn(program);
    const [socket, ioctl, close] = kernel.lastRun!.ops;
    expect(socket?.args).toEqual([2, 2 | 0o2000000, 0]);
    expect(ioctl?.syscall).toBe('ioctl');
    expect(ioctl?.args.slice(0, 2)).toEqual([7, 0x8914]);
    const ifreq = ioctl?.args[2] as { bytes: Uint8Array };
    expect(ifreq.bytes.length).toBe(40);
    expect(new TextDecoder().decode(ifreq.bytes.subarray(0, 3))).toBe('lo\0');
    expect(new DataView(ifreq.bytes.buffer, ifreq.bytes.byteOffset).getUint16(16, true)).toBe(0x1 | 0x8 | 0x40);
    expect(close?.args).toEqual([7]);
    expect(ioctl?.label).toBe('bring lo up');
  });
});
