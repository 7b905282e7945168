// The paths live in index.cjs, so that require() and import see the same ones.
export { callsPath, execHelperPath, initPath, libraryPath, monitorPath, probePath } from './index.cjs';
