import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BPF_CGROUP_DEVICE, BPF_PROG_TYPE_CGROUP_DEVICE, createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { detectCgroupLayout } from '../layout.js';
import { attachDeviceFilter } from './attach.js';
import { compileDeviceFilter } from './compile.js';
import { encodeInsns } from './ebpf.js';
import { ACCESS_ALL, type DeviceRule, normalizeDeviceRules } from './rule.js';

// The kernel's verifier takes every program the generator makes, and an
// attached one enforces: on any host with a cgroup2 mount (a hybrid host's
// unified hierarchy works as well as a v2 host's).
const unified = canRunIntegration() ? detectCgroupLayout().unified : undefined;

describe.skipIf(!canRunIntegration())('device filter in the kernel (integration, root)', () => {
  it('the verifier accepts the programs of an empty list, of allow-all and of random rule lists', () => {
    const kernel = createKernel();
    const load = (rules: DeviceRule[]) => {
      const fd = kernel.bpfProgLoad({
        type: BPF_PROG_TYPE_CGROUP_DEVICE,
        insns: encodeInsns(compileDeviceFilter(rules)),
        license: 'Apache',
        expectedAttachType: BPF_CGROUP_DEVICE,
      });
      kernel.close(fd);
    };
    load([]);
    load(normalizeDeviceRules([{ allow: true, access: 'rwm' }]));
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 30; i++) {
      const rules: DeviceRule[] = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => ({
        allow: rnd() < 0.7,
        type: (['a', 'b', 'c'] as const)[Math.floor(rnd() * 3)] as DeviceRule['type'],
        major: rnd() < 0.3 ? undefined : Math.floor(rnd() * 4096),
        minor: rnd() < 0.3 ? undefined : Math.floor(rnd() * 0x100000),
        access: 1 + Math.floor(rnd() * ACCESS_ALL),
      }));
      load(rules);
    }
  });

  it.skipIf(!unified)('attached to a cgroup, it refuses c 4:1 and allows c 1:3', () => {
    const cgroup = join(unified as string, `gc-device-filter-${process.pid}`);
    const dir = mkdtempSync('/tmp/gc-device-filter-');
    mkdirSync(cgroup);
    try {
      const fd = openSync(cgroup, 'r');
      try {
        attachDeviceFilter(
          createKernel(),
          fd,
          normalizeDeviceRules([
            { allow: false, access: 'rwm' },
            { allow: true, type: 'c', access: 'm' },
            { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
          ]),
          cgroup,
        );
      } finally {
        closeSync(fd);
      }
      const r = spawnSync(
        '/bin/busybox',
        [
          'sh',
          '-c',
          `echo $$ > ${cgroup}/cgroup.procs && mknod ${dir}/null c 1 3 && mknod ${dir}/tty1 c 4 1 && ` +
            `echo x > ${dir}/null && echo null-ok; cat ${dir}/tty1 </dev/null`,
        ],
        { encoding: 'utf8' },
      );
      expect(r.stdout).toBe('null-ok\n');
      expect(r.stderr).toMatch(/tty1.*Operation not permitted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmdirSync(cgroup);
    }
  });
});
