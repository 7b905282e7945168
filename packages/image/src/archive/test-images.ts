// The shared test images (scripts/test-images), imported by URL: that script
// lives outside this package's TypeScript project. Tests only.
import { existsSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';

export interface TestImages {
  dir: string;
  ociLayout: string;
  busyboxDocker: string;
  pauseDocker: string;
  busyboxOci: string;
  pauseOci: string;
  rootfsTar: string;
}

const script = new URL('../../../../scripts/test-images/test-images.ts', import.meta.url).href;

export async function loadTestImages(): Promise<TestImages> {
  const module = (await import(script)) as { testImages: () => TestImages };
  return module.testImages();
}

/**
 * skopeo and podman (as root) always write a blob-info cache under
 * /var/lib/containers: call at a test file's top to remove it afterwards
 * when the file's tests made it.
 */
export function removeContainersCacheAfterAll(): void {
  const cache = '/var/lib/containers';
  const existed = existsSync(cache);
  afterAll(() => {
    if (!existed) rmSync(cache, { recursive: true, force: true });
  });
}
