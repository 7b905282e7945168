import type { Platform } from '../descriptor.js';

// Node's names for CPUs, as the image spec's GOARCH values.
const ARCHITECTURES: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** The platform images are picked for and imported as: linux and this machine's architecture. */
export function hostPlatform(): Platform {
  const architecture = ARCHITECTURES[process.arch] ?? process.arch;
  if (architecture === 'arm') {
    const version = (process.config.variables as { arm_version?: string }).arm_version;
    return { os: 'linux', architecture, variant: `v${version ?? '7'}` };
  }
  return { os: 'linux', architecture };
}

/** Whether an index entry's platform runs on `host`; a variant counts only when both name one. */
export function platformMatches(platform: Platform, host: Platform): boolean {
  if (platform.os !== host.os || platform.architecture !== host.architecture) return false;
  if (host.architecture === 'arm64') return platform.variant === undefined || platform.variant === 'v8';
  return platform.variant === undefined || host.variant === undefined || platform.variant === host.variant;
}

export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant !== undefined ? `/${platform.variant}` : ''}`;
}
