#!/usr/bin/env node
'use strict';
// Before libuv's thread pool starts: joining a v1 cgroup writes ten
// hierarchies at once (the first write waits out an RCU grace period, the
// others share it), and one pool thread waits for the reaper's events.
process.env.UV_THREADPOOL_SIZE ??= '12';
require('./load-main.cjs')
  .loadMain(process.argv[2] === 'run' ? 'run' : 'other')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
