#!/usr/bin/env node
'use strict';
const { commandOf, loadMain, runCacheKind } = require('./load-main.cjs');

const command = commandOf(process.argv.slice(2));
// The commands an engine calls for every container, from their own small
// bundle (dist/lifecycle.cjs): none of the planning code is read or compiled.
const LIFECYCLE = ['start', 'state', 'kill', 'delete'];
// A code cache per command: V8 keeps only what the run that made it compiled.
// The internal commands a detached container's monitor runs for each start and exit too.
const CACHED = [...LIFECYCLE, 'create', 'exec', '__start-container', '__cleanup-container', '__remove-container'];
// `run` and `create` from their own (dist/run.cjs, dist/create.cjs), which hold only their code.
const bundle = LIFECYCLE.includes(command) ? 'lifecycle' : command === 'run' || command === 'create' ? command : 'main';
// `run`'s by the kind of run (load-main.cjs: runCacheKind).
const kind = command === 'run' ? runCacheKind(process.argv.slice(2)) : CACHED.includes(command) ? command : 'other';
// dist/lifecycle.cjs hands a Docker `start`/`kill` of an engine container to dist/main.cjs.
loadMain(bundle, kind)
  .main(process.argv.slice(2), () => loadMain('main', 'other'))
  .then((code) => {
    process.exitCode = code;
  });
