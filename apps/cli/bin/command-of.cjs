'use strict';
/*
 * The command of a gocontainer command line: the first argument after the
 * global options (src/global-options.ts parses them; this only skips them,
 * as engines put them first: `--root R --log F --log-format json start ID`).
 * bin/gocontainer.cjs picks the bundle and its code cache by it before any
 * of the bundle is loaded. Undefined when there is none.
 */
const FLAGS = new Set(['--debug', '--systemd-cgroup']);
const VALUED = new Set(['--root', '--log', '--log-format']);

exports.commandOf = function commandOf(argv) {
  let at = 0;
  while (at < argv.length) {
    const arg = argv[at];
    if (FLAGS.has(arg)) at += 1;
    else if (VALUED.has(arg)) at += 2;
    else if (VALUED.has(arg.slice(0, arg.indexOf('=')))) at += 1;
    else return arg;
  }
  return undefined;
};
