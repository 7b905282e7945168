// The build defines __GC_SECCOMP_VERSION__ (tsup.config.ts, vitest.config.ts) from package.json.
declare const __GC_SECCOMP_VERSION__: string | undefined;

/** This package's version, as built: part of every filter cache key. */
export const SECCOMP_VERSION: string =
  typeof __GC_SECCOMP_VERSION__ === 'string' ? __GC_SECCOMP_VERSION__ : '0.0.0-source';
