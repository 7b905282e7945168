import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canRunIntegration } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';

// This host has cgroup v1 controllers; most production hosts are cgroup v2
// only. So the integration tests also run on a real cgroup v2 kernel: a QEMU
// VM (software emulation; ~2 min) that boots the Debian kernel on this host's
// own root filesystem and runs cgroups.integration.test.ts inside.
const VM = fileURLToPath(new URL('../vm/', import.meta.url));
const VM_DIR = process.env.GC_CGROUP2_VM_DIR ?? fileURLToPath(new URL('../build/vm/', import.meta.url));

const runnable =
  canRunIntegration() && process.arch === 'x64' && !process.env.GC_CGROUP2_VM && process.env.GC_SKIP_CGROUP2_VM !== '1';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

function runVm(): Promise<{ code: number | null; console: string }> {
  return new Promise((resolve, reject) => {
    const vm = spawn(`${VM}run-vm.sh`, [`${VM}guest-test.sh`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GC_CGROUP2_VM_DIR: VM_DIR, VM_TIMEOUT: '270' },
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

describe.skipIf(!runnable)('cgroups on a cgroup v2 kernel (QEMU VM)', () => {
  it('passes the cgroup integration tests inside the VM', { timeout: 420_000 }, async () => {
    // One-time: qemu, the Debian kernel, the initramfs (~25 s; a no-op once there).
    if (!existsSync(`${VM_DIR}/kernel`) || !existsSync(`${VM_DIR}/initrd.img`)) {
      execFileSync(`${VM}setup.sh`, { env: { ...process.env, GC_CGROUP2_VM_DIR: VM_DIR }, stdio: 'pipe' });
    }
    const started = Date.now();
    const { code, console } = await runVm();
    const seconds = (Date.now() - started) / 1000;
    const tail = console.slice(-4000);
    expect(code, `VM exited ${code} after ${seconds}s; console:\n${tail}`).toBe(0);
    const report = JSON.parse(readFileSync(`${VM_DIR}/out/vitest.json`, 'utf8')) as VitestJson;
    const results = report.testResults.flatMap((f) => f.assertionResults);
    const failed = results.filter((r) => r.status !== 'passed');
    expect(failed.map((r) => `${r.title}: ${r.failureMessages.join('\n')}`)).toEqual([]);
    expect(report.numFailedTests).toBe(0);
    // Every behaviour ran (none skipped), on the v2 driver (the first test asserts it inside the VM).
    expect(results.map((r) => r.title)).toEqual(
      expect.arrayContaining([
        'runs on a detected driver',
        'memory limit: a 200 MB allocation is OOM-killed (137) and the OOM kill is reported',
        'pids limit: fork fails beyond it',
        'device rules: a node may be made, but only the allowed one opens (devices cgroup, or eBPF on v2)',
        'cpu quota: a 1 s busy loop gets well under one CPU, and is throttled',
        'freeze stops progress and thaw resumes it',
        'kill-all ends every process, forks included, and destroy removes the cgroup',
        'places a spawned child before its program runs user code (WAIT op + join, or CLONE_INTO_CGROUP)',
      ]),
    );
    expect(report.numPassedTests).toBe(results.length);
  });
});
