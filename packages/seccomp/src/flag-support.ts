import { SECCOMP_FLAGS } from './constants.js';

/** The Linux release that first took each `linux.seccomp.flags` name (seccomp(2)). */
const FLAG_SINCE: Readonly<Record<string, readonly [number, number]>> = {
  SECCOMP_FILTER_FLAG_TSYNC: [3, 17],
  SECCOMP_FILTER_FLAG_LOG: [4, 14],
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: [4, 17],
  SECCOMP_FILTER_FLAG_NEW_LISTENER: [5, 0],
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH: [5, 7],
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: [5, 19],
};

/** The flag names a kernel of `release` (`uname -r`, e.g. "6.1.0-18-amd64") takes. */
export function supportedSeccompFlags(release: string): string[] {
  const [major = 0, minor = 0] = (/^(\d+)\.(\d+)/.exec(release) ?? []).slice(1).map(Number);
  return Object.keys(SECCOMP_FLAGS).filter((name) => {
    const [m, n] = FLAG_SINCE[name] ?? [Number.POSITIVE_INFINITY, 0];
    return major > m || (major === m && minor >= n);
  });
}
