import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canRunIntegration } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';

// This host has cgroup v1 controllers; most production hosts are cgroup v2
// only. So the sampler's integration tests also run on a real cgroup v2
// kernel: @gc/cgroups' QEMU VM (software emulation, minutes), booting the
// Debian kernel on this host's root, with a VM directory of its own so that
// it may run beside @gc/cgroups' VM test.
const CGROUPS_VM = fileURLToPath(new URL('../../../cgroups/vm/', import.meta.url));
const GUEST = fileURLToPath(new URL('../../vm/guest-test.sh', import.meta.url));
const VM_DIR = process.env.GC_ENGINE_VM_DIR ?? fileURLToPath(new URL('../../build/vm/', import.meta.url));
/** Where @gc/cgroups' VM test keeps its kernel and initramfs: copied rather than made again. */
const CGROUPS_VM_DIR = fileURLToPath(new URL('../../../cgroups/build/vm/', import.meta.url));

const runnable =
  canRunIntegration() && process.arch === 'x64' && !process.env.GC_CGROUP2_VM && process.env.GC_SKIP_CGROUP2_VM !== '1';

interface VitestJson {
  numFailedTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

function prepare(): void {
  if (existsSync(`${VM_DIR}/kernel`) && existsSync(`${VM_DIR}/initrd.img`)) return;
  mkdirSync(VM_DIR, { recursive: true });
  if (existsSync(`${CGROUPS_VM_DIR}/kernel`) && existsSync(`${CGROUPS_VM_DIR}/initrd.img`)) {
    copyFileSync(`${CGROUPS_VM_DIR}/kernel`, `${VM_DIR}/kernel`);
    copyFileSync(`${CGROUPS_VM_DIR}/initrd.img`, `${VM_DIR}/initrd.img`);
    return;
  }
  execFileSync(`${CGROUPS_VM}setup.sh`, { env: { ...process.env, GC_CGROUP2_VM_DIR: VM_DIR }, stdio: 'pipe' });
}

function runVm(): Promise<{ code: number | null; console: string }> {
  return new Promise((resolve, reject) => {
    const vm = spawn(`${CGROUPS_VM}run-vm.sh`, [GUEST], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GC_CGROUP2_VM_DIR: VM_DIR, VM_TIMEOUT: '400' },
    });
    let out = '';
    vm.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    vm.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    vm.on('error', reject);
    vm.on('close', (code) => resolve({ code, console: out }));
  });
}

describe.skipIf(!runnable)('the stats sampler on a cgroup v2 kernel (QEMU VM)', () => {
  it('passes the sampler integration tests inside the VM', { timeout: 480_000 }, async () => {
    prepare();
    const { code, console } = await runVm();
    expect(code, `VM exited ${code}; console:\n${console.slice(-4000)}`).toBe(0);
    const report = JSON.parse(readFileSync(`${VM_DIR}/out/vitest.json`, 'utf8')) as VitestJson;
    const results = report.testResults.flatMap((f) => f.assertionResults);
    expect(
      results.filter((r) => r.status === 'failed').map((r) => `${r.title}: ${r.failureMessages.join('\n')}`),
    ).toEqual([]);
    expect(report.numFailedTests).toBe(0);
    // Memory (memory.current less inactive_file, memory.max), cpu.stat and pids.current ran on the v2 driver.
    const passed = results.filter((r) => r.status === 'passed').map((r) => r.title);
    expect(passed).toContain('shows the memory limit and what a process holds, its pids and a busy loop near one CPU');
  });
});
