// `@gc/cgroups/testing`: a temp-dir cgroupfs for unit tests of code that drives cgroups, no root needed.

export type { FakeCgroupTree, FakeCgroupTreeOptions } from './fake-cgroup-tree.js';
export { createFakeCgroupTree } from './fake-cgroup-tree.js';
