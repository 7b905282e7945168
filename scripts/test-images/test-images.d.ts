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
/** The test images, built on first use; concurrent callers each build into their own temp dir and one rename wins. */
export declare function testImages(): TestImages;
//# sourceMappingURL=test-images.d.ts.map