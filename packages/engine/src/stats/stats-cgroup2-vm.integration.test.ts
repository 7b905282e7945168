import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canRunIntegration } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import type { ContainerStats } from './docker-arithmetic.js';

// This host has cgroup v1 controllers; most production hosts are cgroup v2
// only. So the sampler also runs on real cgroups of a cgroup v2 kernel
// (vm/guest-stats.mjs: the memory and CPU case of
// stats-sampler.integration.test.ts): @gc/cgroups' QEMU VM (software
// emulation, minutes), booting the Debian kernel on this host's root, with a
// VM directory of its own so that it may run beside @gc/cgroups' VM test.
const CGROUPS_VM = fileURLToPath(new URL('../../../cgroups/vm/', import.meta.url));
const GUEST = fileURLToPath(new URL('../../vm/guest-stats.sh', import.meta.url));
const VM_DIR = process.env.GC_ENGINE_VM_DIR ?? fileURLToPath(new URL('../../build/vm/', import.meta.url));
/** Where @gc/cgroups' VM test keeps its kernel and initramfs: copied rather than made again. */
const CGROUPS_VM_DIR = fileURLToPath(new URL('../../../cgroups/build/vm/', import.meta.url));

const MiB = 1024 * 1024;

const runnable =
  canRunIntegration() && process.arch === 'x64' && !process.env.GC_CGROUP2_VM && process.env.GC_SKIP_CGROUP2_VM !== '1';

interface GuestReport {
  driver?: string;
  error?: string;
  leftover?: boolean;
  busyExpected?: number;
  hostMemory?: number;
  mem?: ContainerStats;
  busy?: ContainerStats;
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
  it('reads memory, pids and CPU % of real v2 cgroups as on v1', { timeout: 480_000 }, async () => {
    prepare();
    const { code, console } = await runVm();
    expect(code, `VM exited ${code}; console:\n${console.slice(-4000)}`).toBe(0);
    const report = JSON.parse(readFileSync(`${VM_DIR}/out/stats.json`, 'utf8')) as GuestReport;
    expect(report.error).toBeUndefined();
    expect(report.driver).toBe('v2');
    // memory.max, memory.current less inactive_file, pids.current.
    expect(report.mem?.memoryLimit).toBe(96 * MiB);
    expect(report.mem?.memoryUsage).toBeGreaterThan(7.5 * MiB);
    expect(report.mem?.memoryUsage).toBeLessThan(96 * MiB);
    expect(report.mem?.pids).toBe(2);
    // cpu.stat usage_usec over the elapsed time, against the kernel's own account of the loop (ticks of 10 ms).
    expect(report.busy?.cpuPercent).toBeGreaterThan(5);
    expect(Math.abs((report.busy?.cpuPercent ?? 0) - (report.busyExpected ?? 0))).toBeLessThan(8);
    expect(report.busy?.memoryLimit).toBe(report.hostMemory);
    expect(report.busy?.pids).toBe(1);
    expect(report.leftover).toBe(false);
  });
});
