// `@gc/syscall/testing`: the Kernel double for unit tests (pass it in
// explicitly; nothing picks it by build mode or environment), and the busybox
// container that integration tests, examples and benchmarks run programs in.

export type { BusyboxRootPlan } from './busybox-program.js';
export { BUSYBOX_ENV, CONTAINER_CLONE_FLAGS, planBusyboxRoot } from './busybox-program.js';
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
export type { ProgramResult, RunProgramOptions, StartedProgram } from './run-program.js';
export { drainPipe, runProgram, startProgram } from './run-program.js';
