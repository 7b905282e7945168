import {
  BPF_CGROUP_DEVICE,
  BPF_F_ALLOW_MULTI,
  BPF_PROG_TYPE_CGROUP_DEVICE,
  type Kernel,
  SyscallError,
} from '@gc/syscall';
import { PKG } from '../errors.js';
import { compileDeviceFilter } from './compile.js';
import { encodeInsns } from './ebpf.js';
import type { DeviceRule } from './rule.js';

/**
 * cgroup v2's device controller: load the rules' eBPF program and attach it
 * to the cgroup (`BPF_F_ALLOW_MULTI`, as runc: a parent's program still runs
 * too, and both must allow). The attachment holds the program for as long
 * as the cgroup lives, so the fd is closed here.
 */
export function attachDeviceFilter(
  kernel: Kernel,
  cgroupDirFd: number,
  rules: readonly DeviceRule[],
  path: string,
): void {
  const insns = encodeInsns(compileDeviceFilter(rules));
  let fd: number;
  try {
    fd = kernel.bpfProgLoad({
      type: BPF_PROG_TYPE_CGROUP_DEVICE,
      insns,
      license: 'Apache',
      expectedAttachType: BPF_CGROUP_DEVICE,
      name: 'gc_devices',
    });
  } catch (e) {
    throw relabel(e, `linux.resources.devices: load the device filter for ${path}`);
  }
  try {
    kernel.bpfProgAttach(cgroupDirFd, fd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI);
  } catch (e) {
    throw relabel(e, `linux.resources.devices: attach the device filter to ${path}`);
  } finally {
    kernel.close(fd);
  }
}

/** The kernel's error under this step's label, keeping the verifier's words if it gave some. */
function relabel(e: unknown, label: string): unknown {
  if (!SyscallError.isInstance(e)) return e;
  const err = new SyscallError({ syscall: 'bpf', errno: e.errno, label, pkg: PKG, cause: e });
  const verifier = / \(verifier: .*\)$/s.exec(e.message);
  if (verifier) err.message += verifier[0];
  return err;
}
