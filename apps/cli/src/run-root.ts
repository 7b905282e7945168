// The default --root, for --help: a module of its own, so that help's
// import() keeps only this name of @gc/runtime in the bundle, not all of it.
export { RUN_ROOT } from '@gc/runtime';
