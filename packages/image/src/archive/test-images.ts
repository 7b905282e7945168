// The shared test images (scripts/test-images), imported by URL: that script
// lives outside this package's TypeScript project. Tests only.
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
