#!/usr/bin/env node
'use strict';
require('./load-main.cjs')
  .loadMain(process.argv[2] === 'run' ? 'run' : 'other')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
