import { GcError } from '@gc/syscall';
import type { Descriptor, ImageIndex, Platform } from '../descriptor.js';
import { isManifest } from '../media-types.js';

/** A platform as pulls compare them: os, architecture and variant only. */
export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

// Go's GOARCH names, as image indexes write them, from Node's process.arch.
const NODE_ARCH: Record<string, string> = {
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

/** The platform of this host, as containerd's default: `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`. */
export function hostPlatform(): PlatformSpec {
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  let variant: string | undefined;
  if (architecture === 'arm64') variant = 'v8';
  if (architecture === 'arm') {
    const version = (process.config.variables as { arm_version?: string }).arm_version;
    variant = version !== undefined && /^[5-8]$/.test(version) ? `v${version}` : 'v7';
  }
  return normalizePlatform({ os: process.platform, architecture, variant });
}

/**
 * containerd's normalisation, so that `aarch64`, `arm64/v8` and `arm64`
 * compare equal, and `arm` means `arm/v7`.
 */
export function normalizePlatform(platform: PlatformSpec): PlatformSpec {
  const os = platform.os.toLowerCase() === 'macos' ? 'darwin' : platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase() || undefined;
  switch (architecture) {
    case 'i386':
      architecture = '386';
      variant = undefined;
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = undefined;
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = 'v8';
      variant ??= 'v8';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === undefined || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return { os, architecture, ...(variant !== undefined ? { variant } : {}) };
}

const PART = /^[a-z0-9_.-]+$/i;

/** `linux/arm64/v8` (or `linux/amd64`) as a platform; `field` names the option in errors. */
export function parsePlatform(text: string, field = 'platform'): PlatformSpec {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => PART.test(part))) {
    throw new GcError(
      'EIMAGE_PLATFORM',
      `${field}: ${JSON.stringify(text)} is not a platform (expected OS/ARCH[/VARIANT], like linux/arm64/v8)`,
    );
  }
  const [os = '', architecture = '', variant] = parts;
  return normalizePlatform({ os, architecture, variant });
}

export function formatPlatform(platform: PlatformSpec): string {
  return `${platform.os}/${platform.architecture}${platform.variant !== undefined ? `/${platform.variant}` : ''}`;
}

function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

// Older arm variants run on newer arm CPUs: containerd falls back in this order.
function compatibleVariants(wanted: PlatformSpec): (string | undefined)[] {
  if (wanted.architecture !== 'arm' || wanted.variant === undefined) return [wanted.variant];
  const version = Number(wanted.variant.slice(1));
  const variants: string[] = [];
  for (let v = version; v >= 5; v--) variants.push(`v${v}`);
  return variants;
}

function matches(platform: Platform, wanted: PlatformSpec, variant: string | undefined): boolean {
  const have = normalizePlatform(platform);
  return have.os === wanted.os && have.architecture === wanted.architecture && have.variant === variant;
}

/**
 * The manifest of `index` for `wanted`: entries of unknown media types and
 * attestations are passed over; an entry without a platform is taken only
 * when none names one that fits. EIMAGE_PLATFORM lists what the index has.
 */
export function selectManifest(index: ImageIndex, wanted: PlatformSpec, name: string): Descriptor {
  const target = normalizePlatform(wanted);
  const candidates = index.manifests.filter((entry) => isManifest(entry.mediaType) && !isAttestation(entry));
  for (const variant of compatibleVariants(target)) {
    const found = candidates.find((entry) => entry.platform !== undefined && matches(entry.platform, target, variant));
    if (found !== undefined) return found;
  }
  const unnamed = candidates.find((entry) => entry.platform === undefined);
  if (unnamed !== undefined) return unnamed;
  const available = candidates.flatMap((entry) =>
    entry.platform !== undefined ? [formatPlatform(normalizePlatform(entry.platform))] : [],
  );
  throw new GcError(
    'EIMAGE_PLATFORM',
    `${name}: no manifest for ${formatPlatform(target)} in the image index (available: ${
      available.length > 0 ? [...new Set(available)].join(', ') : 'none'
    }); choose one with the platform option`,
  );
}
