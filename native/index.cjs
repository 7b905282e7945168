'use strict';
// CommonJS, so that both require() (the bundled CLI) and import (index.js) can load it.
const { join } = require('node:path');

const build = join(__dirname, 'build');

/** Absolute path of the executor shared library that `@gc/syscall` loads with koffi. */
exports.libraryPath = process.env.GC_NATIVE_LIBRARY ?? join(build, 'libgcexec.so');
/** Absolute path of `gc-calls.node`, the Node-API addon of the calls `run`, `create` and the lifecycle commands make (`@gc/syscall` loads it). */
exports.callsPath = process.env.GC_NATIVE_CALLS ?? join(build, 'gc-calls.node');
/** Absolute path of the static `gc-exec` helper (runs a serialised program from an fd). */
exports.execHelperPath = process.env.GC_NATIVE_EXEC ?? join(build, 'gc-exec');
/** Absolute path of the static `gc-init` reaper (`gc-init [--] CMD [ARGS...]`, PID 1 of a container). */
exports.initPath = process.env.GC_NATIVE_INIT ?? join(build, 'gc-init');
/** Absolute path of the static `gc-monitor` (a detached container's monitor: conmon's role). */
exports.monitorPath = process.env.GC_NATIVE_MONITOR ?? join(build, 'gc-monitor');
/** Absolute path of the static `gc-probe` test workload (not for containers in production). */
exports.probePath = process.env.GC_NATIVE_PROBE ?? join(build, 'gc-probe');
