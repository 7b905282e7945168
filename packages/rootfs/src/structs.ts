import type { ArenaStruct, ProgramScope } from '@gc/syscall';

/** sizeof(struct open_how). */
export const OPEN_HOW_SIZE = 24;

/** `struct open_how` for openat2(2). */
export function openHow(p: ProgramScope, flags: number, resolve: number, mode = 0): ArenaStruct {
  return p.struct([
    { name: 'flags', type: 'u64', value: flags },
    { name: 'mode', type: 'u64', value: mode },
    { name: 'resolve', type: 'u64', value: resolve },
  ]);
}

/** What mount_setattr(2) changes: attributes to set and clear, and a propagation type (0 leaves it). */
export interface MountAttr {
  readonly set: number;
  readonly clear: number;
  readonly propagation: number;
}

export const NO_ATTR: MountAttr = { set: 0, clear: 0, propagation: 0 };

export function isEmptyAttr(attr: MountAttr): boolean {
  return attr.set === 0 && attr.clear === 0 && attr.propagation === 0;
}

/** `struct mount_attr` for mount_setattr(2). */
export function mountAttr(p: ProgramScope, attr: MountAttr): ArenaStruct {
  return p.struct([
    { name: 'attr_set', type: 'u64', value: attr.set },
    { name: 'attr_clr', type: 'u64', value: attr.clear },
    { name: 'propagation', type: 'u64', value: attr.propagation },
    { name: 'userns_fd', type: 'u64', value: 0 },
  ]);
}
