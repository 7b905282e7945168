#!/usr/bin/env node
'use strict';
// Before libuv's thread pool starts: joining a v1 cgroup writes ten
// hierarchies at once, and each write waits out an RCU grace period; more
// threads let them share one (see @gc/cgroups' join()).
process.env.UV_THREADPOOL_SIZE ??= '12';
require('./load-main.cjs')
  .loadMain(process.argv[2] === 'run' ? 'run' : 'other')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
