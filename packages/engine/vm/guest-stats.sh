#!/bin/sh
# Run inside the cgroup v2 VM (by @gc/cgroups' vm/run-vm.sh, from the repository's top).
rm -f "${GC_CGROUP2_VM_DIR:?}/out/stats.json"
exec node packages/engine/vm/guest-stats.mjs
