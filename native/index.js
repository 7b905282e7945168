import { fileURLToPath } from 'node:url';

const build = new URL('./build/', import.meta.url);

/** Absolute path of the executor shared library that `@gc/syscall` loads with koffi. */
export const libraryPath = process.env.GC_NATIVE_LIBRARY ?? fileURLToPath(new URL('libgcexec.so', build));

/** Absolute path of the static `gc-exec` helper (runs a serialised program from an fd). */
export const execHelperPath = process.env.GC_NATIVE_EXEC ?? fileURLToPath(new URL('gc-exec', build));

/** Absolute path of the static `gc-init` reaper (`gc-init [--] CMD [ARGS...]`, PID 1 of a container). */
export const initPath = process.env.GC_NATIVE_INIT ?? fileURLToPath(new URL('gc-init', build));
