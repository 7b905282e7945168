import { GcError } from './errors.js';

/** The CPU architectures the executor is built for, named as `process.arch` names them. */
export type Arch = 'x64' | 'arm64';

/** The `arch` field of a program header (docs/program-format.md): the executor refuses another. */
export const ARCH_IDS: Readonly<Record<Arch, number>> = { x64: 1, arm64: 2 };

export function isArch(value: unknown): value is Arch {
  return value === 'x64' || value === 'arm64';
}

/** The architecture this process runs on; throws GcError `EARCH` elsewhere. */
export function currentArch(): Arch {
  const arch = process.arch;
  if (isArch(arch)) return arch;
  throw new GcError('EARCH', `unsupported architecture ${arch}: gocontainer runs on x64 and arm64`);
}

/** `x64` -> 1, `arm64` -> 2. */
export function archId(arch: Arch): number {
  return ARCH_IDS[arch];
}

/** 1 -> `x64`, 2 -> `arm64`; throws GcError `EARCH` for any other header value. */
export function archFromId(id: number): Arch {
  if (id === ARCH_IDS.x64) return 'x64';
  if (id === ARCH_IDS.arm64) return 'arm64';
  throw new GcError('EARCH', `unknown program arch id ${id}: expected 1 (x64) or 2 (arm64)`);
}
