import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An OCI bundle for runc/crun around `root`, running `args` without a terminal. */
export function makeBundle(root, args) {
  const bundle = mkdtempSync(join(tmpdir(), 'gc-bench-bundle-'));
  execFileSync('runc', ['spec', '--bundle', bundle]);
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  config.root = { path: root, readonly: true };
  config.process.terminal = false;
  config.process.args = args;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config, null, 2));
  return { path: bundle, remove: () => rmSync(bundle, { recursive: true, force: true }) };
}

/**
 * Runs `runtime run` sequentially `count` times; returns seconds per run, or
 * `{ unavailable }` with the runtime's own words when it cannot run here
 * (crun 1.8 refuses hybrid cgroup hosts). Its --root is made in `stateParent`.
 */
export function timeRuntime(runtime, bundle, count, stateParent = tmpdir()) {
  const stateRoot = mkdtempSync(join(stateParent, `gc-bench-${runtime}-state-`));
  mkdirSync(stateRoot, { recursive: true });
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const r = spawnSync(runtime, ['--root', stateRoot, 'run', '--bundle', bundle, `gc-bench-${process.pid}-${i}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 0) {
      rmSync(stateRoot, { recursive: true, force: true });
      return { unavailable: String(r.stderr).trim() || `exit ${r.status}` };
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(stateRoot, { recursive: true, force: true });
  return seconds / count;
}

export function have(cmd) {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, cmd)));
}
