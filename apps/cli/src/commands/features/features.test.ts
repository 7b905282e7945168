import { spawnSync } from 'node:child_process';
import { CAPABILITY_NAMES } from '@gc/capabilities';
import { describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0;

interface Features {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks: string[];
  mountOptions: string[];
  linux: {
    namespaces: string[];
    capabilities: string[];
    cgroup: Record<string, boolean>;
    seccomp: Record<string, unknown> & { actions: string[]; operators: string[]; archs: string[] };
    apparmor: { enabled: boolean };
    selinux: { enabled: boolean };
    intelRdt: { enabled: boolean };
    mountExtensions: { idmap: { enabled: boolean } };
  };
  annotations: Record<string, string>;
}

async function features(): Promise<Features> {
  const r = await gocontainer(['features']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Features;
}

describe('gocontainer features (the built binary)', () => {
  it('prints the runtime-spec features JSON for spec versions 1.0.0 to 1.2.0', async () => {
    const f = await features();
    expect(Object.keys(f)).toEqual(['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'linux', 'annotations']);
    expect(f.ociVersionMin).toBe('1.0.0');
    expect(f.ociVersionMax).toBe('1.2.0');
    expect(f.hooks).toEqual([
      'prestart',
      'createRuntime',
      'createContainer',
      'startContainer',
      'poststart',
      'poststop',
    ]);
    expect(f.linux.cgroup).toEqual({ v1: true, v2: true, systemd: false, systemdUser: false, rdma: true });
    expect(f.linux.apparmor).toEqual({ enabled: false });
    expect(f.linux.selinux).toEqual({ enabled: false });
    expect(f.linux.mountExtensions).toEqual({ idmap: { enabled: false } });
    expect(f.annotations['org.gocontainer.version']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists the capabilities, namespaces and mount options gocontainer takes', async () => {
    const f = await features();
    expect(f.linux.capabilities).toEqual([...CAPABILITY_NAMES]);
    expect(f.linux.capabilities).toContain('CAP_CHECKPOINT_RESTORE');
    expect(f.linux.namespaces).toEqual(['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts']);
    for (const option of ['rro', 'rbind', 'rprivate', 'nosymfollow', 'ro', 'bind'])
      expect(f.mountOptions).toContain(option);
    expect(f.mountOptions).not.toContain('tmpcopyup');
    expect(f.linux.seccomp.enabled).toBe(true);
    expect(f.linux.seccomp.actions).toContain('SCMP_ACT_NOTIFY');
    expect(f.linux.seccomp.operators).toContain('SCMP_CMP_MASKED_EQ');
    expect(f.linux.seccomp.archs).toContain('SCMP_ARCH_X86_64');
    expect(f.linux.seccomp.knownFlags).toContain('SECCOMP_FILTER_FLAG_LOG');
  });

  it.skipIf(!hasRunc)(
    "knows every capability, namespace, seccomp action, operator and arch runc's features lists",
    async () => {
      const f = await features();
      const runc = JSON.parse(spawnSync('runc', ['features'], { encoding: 'utf8' }).stdout) as Features;
      expect(runc.linux.capabilities.filter((c) => !f.linux.capabilities.includes(c))).toEqual([]);
      expect(runc.linux.namespaces.filter((n) => !f.linux.namespaces.includes(n))).toEqual([]);
      expect(runc.linux.seccomp.actions.filter((a) => !f.linux.seccomp.actions.includes(a))).toEqual([]);
      expect(runc.linux.seccomp.operators.filter((o) => !f.linux.seccomp.operators.includes(o))).toEqual([]);
      expect(runc.linux.seccomp.archs.filter((a) => !f.linux.seccomp.archs.includes(a))).toEqual([]);
    },
  );

  it('refuses an argument, as a runc command fails (exit 1)', async () => {
    const r = await gocontainer(['features', 'extra']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('gocontainer: features: takes no arguments, got "extra"\n');
    expect(r.stdout).toBe('');
  });
});
