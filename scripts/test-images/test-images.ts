// The test images (busybox and pause, built from busybox-static by
// build-images.sh), built once per machine and script version into a cache
// directory that every test file and package shares. Needs root, umoci and
// skopeo (scripts/setup.sh installs them).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TestImages {
  dir: string;
  /** An OCI image layout with tags `busybox` (cmd /bin/sh) and `pause`. */
  ociLayout: string;
  /** `docker save` archives, tagged localhost/gc-e2e-busybox:1 and localhost/gc-e2e-pause:1. */
  busyboxDocker: string;
  pauseDocker: string;
  /** OCI archives of the same images. */
  busyboxOci: string;
  pauseOci: string;
  /** The busybox root filesystem as a plain tar (for `import`). */
  rootfsTar: string;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'build-images.sh');

/** The test images, built on first use; concurrent callers each build into their own temp dir and one rename wins. */
export function testImages(): TestImages {
  const version = createHash('sha256').update(readFileSync(script)).update(readFileSync('/bin/busybox')).digest('hex');
  const dir = join(tmpdir(), `gc-test-images-${version.slice(0, 16)}`);
  if (!existsSync(join(dir, 'rootfs.tar'))) {
    const work = `${dir}.${process.pid}.tmp`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    execFileSync(script, [work], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(work, dir);
    } catch {
      // Another process built them first.
      rmSync(work, { recursive: true, force: true });
    }
  }
  return {
    dir,
    ociLayout: join(dir, 'oci'),
    busyboxDocker: join(dir, 'busybox-docker.tar'),
    pauseDocker: join(dir, 'pause-docker.tar'),
    busyboxOci: join(dir, 'busybox-oci.tar'),
    pauseOci: join(dir, 'pause-oci.tar'),
    rootfsTar: join(dir, 'rootfs.tar'),
  };
}
