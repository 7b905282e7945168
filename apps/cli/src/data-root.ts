// The default --data-root, for --help and the image commands: a module of its
// own, as run-root.ts, so that help's import() keeps only this name of @gc/runtime.
export { DATA_ROOT } from '@gc/runtime';
