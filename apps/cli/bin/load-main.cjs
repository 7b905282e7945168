'use strict';
/*
 * Load dist/main.cjs through a V8 code cache. `gocontainer run` is measured
 * against `node -e 0`, and compiling the bundle is a good part of the
 * difference. Node 20 has no module.enableCompileCache() (Node 22 has), and
 * v8-compile-cache is unmaintained, so this is the few lines it takes: compile
 * the module wrapper with vm.Script and cachedData, and refresh the cache
 * after a run when V8 rejected it or there was none. A cache that cannot be
 * read or written only costs the compile time.
 *
 * V8 caches only the functions compiled by the time the cache is made, so a
 * cache made by `gocontainer --help` would leave `run`'s code to be compiled
 * on every run: each `kind` of command (the caller names it) has its own.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'main.cjs');

exports.loadMain = function loadMain(kind) {
  const cacheFile = `${file}.${process.version}.${kind}.cache`;
  const source = fs.readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('beforeExit', () => saveCache(script, cacheFile));
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const req = (id) => mod.require(id);
  req.resolve = (id) => Module._resolveFilename(id, mod);
  script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
  return mod.exports;
};

function saveCache(script, cacheFile) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    // read-only install, or a race with another run: the next run compiles again
  }
}
