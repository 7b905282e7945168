/** Absolute path of the executor shared library that `@gc/syscall` loads with koffi. */
export declare const libraryPath: string;
/** Absolute path of `gc-calls.node`, the Node-API addon of the calls `run`, `create` and the lifecycle commands make (`@gc/syscall` loads it). */
export declare const callsPath: string;
/** Absolute path of the static `gc-exec` helper (runs a serialised program from an fd). */
export declare const execHelperPath: string;
/** Absolute path of the static `gc-init` reaper (`gc-init [--] CMD [ARGS...]`, PID 1 of a container). */
export declare const initPath: string;
/** Absolute path of the static `gc-monitor`, a detached container's monitor (conmon's role; see README). */
export declare const monitorPath: string;
/** Absolute path of the static `gc-probe` test workload (not for containers in production). */
export declare const probePath: string;
