import { familiarName, parseReference, type Reference } from '@gc/image/store';

/** `docker.io/library/busybox:latest` as Docker shows it: `busybox:latest`. */
export function showName(full: string): string {
  try {
    return familiarName(parseReference(full));
  } catch {
    return full;
  }
}

/** REPOSITORY and TAG of a full name, as `docker images` splits it (`<none>` where there is none). */
export function repositoryAndTag(full: string): { repository: string; tag: string; ref?: Reference } {
  try {
    const ref = parseReference(full);
    const repository = familiarName({ registry: ref.registry, repository: ref.repository });
    return { repository, tag: ref.tag ?? '<none>', ref };
  } catch {
    return { repository: full, tag: '<none>' };
  }
}
