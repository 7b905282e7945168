import { describe, expect, it } from 'vitest';
import { firstPositional, isDockerExec } from './is-docker-exec.js';

describe("exec: Docker's or runc's", () => {
  it('finds the container argument past the options of either form', () => {
    expect(firstPositional(['-it', '-e', 'A=1', '-u', 'root', 'web', 'sh'])).toBe('web');
    expect(firstPositional(['--process', '/tmp/p.json', '--console-socket', '/s', 'id1'])).toBe('id1');
    expect(firstPositional(['--detach-keys', 'ctrl-a,d', '-w', '/', 'web', 'ls'])).toBe('web');
    expect(firstPositional(['--env=A=1', 'web'])).toBe('web');
    expect(firstPositional(['-d'])).toBeUndefined();
  });

  const engine = new Set(['web']);
  const oci = new Set(['shim-ctr']);
  const decide = (argv: string[], root?: string) =>
    isDockerExec(
      argv,
      root ? { root } : {},
      (r) => engine.has(r),
      (id) => oci.has(id),
    );

  it("is Docker's for an engine container, runc's for an OCI one, and always runc's with --root", () => {
    expect(decide(['-it', 'web', 'sh'])).toBe(true);
    expect(decide(['--process', '/p.json', 'shim-ctr'])).toBe(false);
    expect(decide(['nosuch', 'ls'])).toBe(false);
    expect(decide(['web', 'sh'], '/run/containerd/runc/k8s.io')).toBe(false);
  });

  it("is runc's when the name is both (engines match runc's errors)", () => {
    engine.add('shim-ctr');
    expect(decide(['shim-ctr', 'ls'])).toBe(false);
  });
});
