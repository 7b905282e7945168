#!/bin/sh
# Run inside the cgroup v2 VM (by @gc/cgroups' vm/run-vm.sh, from the
# repository's top): the stats sampler's integration tests, results as JSON
# for the host-side test to assert.
OUT=${GC_CGROUP2_VM_DIR:?}/out/vitest.json
rm -f "$OUT"
node node_modules/vitest/vitest.mjs run --pool=threads --project @gc/engine packages/engine/src/stats/stats-sampler.integration.test.ts \
  --reporter=default --reporter=json --outputFile.json="$OUT"
