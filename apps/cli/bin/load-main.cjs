'use strict';
/*
 * Load a bundle (dist/main.cjs, or dist/lifecycle.cjs for the commands an
 * engine calls for every container) through a V8 code cache. `gocontainer run` is measured
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
 *
 * The bundle's own requires of packages (koffi, @gc/native) are resolved
 * once and the file names kept beside the bundle: Node's package lookup
 * (node_modules walk, package.json "exports", realpath through pnpm's
 * links) costs ~7 ms cold. A kept name whose file is gone is resolved again.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** `entry`: the bundle's name in dist/ (main, lifecycle); `kind`: the command, for its own code cache. */
exports.loadMain = function loadMain(entry, kind) {
  const file = path.join(__dirname, '..', 'dist', `${entry}.cjs`);
  const resolvedFile = `${file}.resolved.json`;
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
    // Only after a command that succeeded: a `run` refused at its first flag
    // has compiled only the parser, and its cache would leave the rest of
    // `run` to be compiled on every later run. At 'exit', not 'beforeExit':
    // a command that ends by process.exit (`__start-container`, once its
    // init is the monitor's) gets its cache too.
    process.once('exit', (code) => {
      if (!code) saveCache(script, cacheFile);
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const resolved = readResolved(resolvedFile);
  let learned = false;
  const req = (id) => {
    if (Module.isBuiltin(id)) return mod.require(id);
    const kept = resolved[id];
    if (typeof kept === 'string' && fs.existsSync(kept)) return mod.require(kept);
    const filename = Module._resolveFilename(id, mod);
    if (!learned) process.once('exit', () => saveJson(resolvedFile, resolved));
    resolved[id] = filename;
    learned = true;
    return mod.require(filename);
  };
  req.resolve = (id) => {
    if (Module.isBuiltin(id)) return id;
    const kept = resolved[id];
    if (typeof kept === 'string' && fs.existsSync(kept)) return kept;
    const filename = Module._resolveFilename(id, mod);
    if (!learned) process.once('exit', () => saveJson(resolvedFile, resolved));
    resolved[id] = filename;
    learned = true;
    return filename;
  };
  script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
  return mod.exports;
};

function readResolved(resolvedFile) {
  try {
    const value = JSON.parse(fs.readFileSync(resolvedFile, 'utf8'));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

function saveJson(target, value) {
  try {
    const tmp = `${target}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, target);
  } catch {
    // read-only install, or a race with another run: resolved again next time
  }
}

function saveCache(script, cacheFile) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    // read-only install, or a race with another run: the next run compiles again
  }
}

/*
 * (Here rather than in a module of its own: one file fewer to load.)
 * The command of a gocontainer command line: the first argument after the
 * global options (src/global-options.ts parses them; this only skips them,
 * as engines put them first: `--root R --log F --log-format json start ID`).
 * bin/gocontainer.cjs picks the bundle and its code cache by it before any
 * of the bundle is loaded. Undefined when there is none.
 */
const FLAGS = new Set(['--debug', '--systemd-cgroup']);
const VALUED = new Set(['--root', '--data-root', '--log', '--log-format']);

exports.commandOf = function commandOf(argv) {
  const at = commandAt(argv);
  return at === undefined ? undefined : argv[at];
};

function commandAt(argv) {
  let at = 0;
  while (at < argv.length) {
    const arg = argv[at];
    if (FLAGS.has(arg)) at += 1;
    else if (VALUED.has(arg)) at += 2;
    else if (VALUED.has(arg.slice(0, arg.indexOf('=')))) at += 1;
    else return at;
  }
  return undefined;
}

/*
 * The code cache's kind for a `run` line: V8 caches what the run that made
 * the cache compiled, and `run -d`, `run --rootfs`, runc's `run --bundle`
 * and an image's run each compile much the others do not, so whichever ran
 * first after a build would leave the others to compile on every run. A
 * look at the flags, not a parse: a wrong guess (a `-d` among the
 * container's own arguments) costs only the compile time of a miss.
 */
exports.runCacheKind = function runCacheKind(argv) {
  const at = commandAt(argv);
  const args = at === undefined ? [] : argv.slice(at + 1);
  const has = (test) => args.some(test);
  const detach = /^(?:--detach|-[a-zA-Z]*d[a-zA-Z]*|(?:--detach|-d)=(?!0$|f$|F$|false$|FALSE$|False$).*)$/;
  if (has((a) => detach.test(a))) {
    return 'run-detached';
  }
  if (has((a) => a === '--bundle' || a === '-b' || a.startsWith('--bundle='))) return 'run-bundle';
  if (has((a) => a === '--rootfs' || a.startsWith('--rootfs='))) return 'run-rootfs';
  return 'run';
};
