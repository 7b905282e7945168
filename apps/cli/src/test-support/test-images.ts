// The shared test images (scripts/test-images), imported by URL: that script
// lives outside this package's TypeScript project. Tests only.
export interface TestImages {
  dir: string;
  /** An OCI image layout with tags `busybox` (cmd /bin/sh) and `pause`. */
  ociLayout: string;
  /** `docker save` archives, tagged localhost/gc-e2e-busybox:1 and localhost/gc-e2e-pause:1. */
  busyboxDocker: string;
  pauseDocker: string;
  busyboxOci: string;
  pauseOci: string;
  /** The busybox root filesystem as a plain tar. */
  rootfsTar: string;
}

const script = new URL('../../../../scripts/test-images/test-images.ts', import.meta.url).href;

export async function loadTestImages(): Promise<TestImages> {
  const module = (await import(script)) as { testImages: () => TestImages };
  return module.testImages();
}
