#!/usr/bin/env node
'use strict';
require('./load-main.cjs')
  .loadMain()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
