// `@gc/syscall/testing`: the Kernel double for unit tests. Pass it in explicitly;
// nothing picks it by build mode or environment.

export type { BusyboxRoot } from './busybox-root.js';
export { BUSYBOX_STATIC, canRunIntegration, createBusyboxRoot } from './busybox-root.js';
export type {
  FakeCall,
  FakeCallArgs,
  FakeCallName,
  FakeExec,
  FakeOpRecord,
  FakePointer,
  FakeProgramRun,
  FakeRunState,
  FakeSyscallCall,
  FakeSyscallHandler,
  FakeValue,
} from './fake-calls.js';
export { FakeChild } from './fake-child.js';
export type { FailRule } from './fake-failures.js';
export type { FakeKernelOptions } from './fake-kernel.js';
export { FakeKernel } from './fake-kernel.js';
