/** Absolute path of the executor shared library that `@gc/syscall` loads with koffi. */
export declare const libraryPath: string;
/** Absolute path of the static `gc-exec` helper (runs a serialised program from an fd). */
export declare const execHelperPath: string;
