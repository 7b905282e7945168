import type { CgroupDir } from '../cgroup-dir.js';
import { until } from '../poll.js';

/**
 * v1: FROZEN is reached once every task stopped; tasks forked meanwhile can
 * leave it in FREEZING, so the request is written again while polling.
 */
export async function freezeV1(dir: CgroupDir, timeoutMs: number): Promise<void> {
  dir.write('freezer.state', 'FROZEN');
  await until(
    `freeze ${dir.path}`,
    timeoutMs,
    () => dir.read('freezer.state').trim() === 'FROZEN',
    () => dir.write('freezer.state', 'FROZEN'),
  );
}

export async function thawV1(dir: CgroupDir, timeoutMs: number): Promise<void> {
  dir.write('freezer.state', 'THAWED');
  await until(`thaw ${dir.path}`, timeoutMs, () => dir.read('freezer.state').trim() === 'THAWED');
}

/** v2: cgroup.freeze is a request; cgroup.events says `frozen 1` once it holds. */
export async function setFrozenV2(dir: CgroupDir, frozen: boolean, timeoutMs: number): Promise<void> {
  const want = frozen ? 1 : 0;
  dir.write('cgroup.freeze', want);
  await until(
    `${frozen ? 'freeze' : 'thaw'} ${dir.path}`,
    timeoutMs,
    () => (dir.readKeyed('cgroup.events').get('frozen') ?? 0) === want,
  );
}

/**
 * v1: is the cgroup frozen, or being frozen? FREEZING counts: a freeze was
 * asked for (of it or of a parent) and holds as soon as every task stops.
 * A cgroup that is gone is not frozen.
 */
export function isFrozenV1(dir: CgroupDir): boolean {
  const state = dir.readIfExists('freezer.state')?.trim();
  return state === 'FROZEN' || state === 'FREEZING';
}

/** v2: frozen (cgroup.events, which a freeze of a parent sets too) or asked to be (cgroup.freeze). */
export function isFrozenV2(dir: CgroupDir): boolean {
  if (dir.readKeyed('cgroup.events').get('frozen') === 1) return true;
  return dir.readIfExists('cgroup.freeze')?.trim() === '1';
}
