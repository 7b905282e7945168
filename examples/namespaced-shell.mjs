#!/usr/bin/env node
// A shell in new mount, UTS, IPC, PID, network and cgroup namespaces, on a
// throwaway busybox root, set up by one syscall program. Arguments go to sh:
//
//   node examples/namespaced-shell.mjs                 # an interactive shell
//   node examples/namespaced-shell.mjs -c 'ps; hostname'
import { createKernel, Program, shellExitCode } from '@gc/syscall';
import { CONTAINER_CLONE_FLAGS, createBusyboxRoot, planBusyboxRoot } from '@gc/syscall/testing';

const busybox = createBusyboxRoot();

const program = new Program();
planBusyboxRoot(program, { root: busybox.path, hostname: 'gocontainer' });
program
  .scope('examples')
  .execvp('/bin/sh', ['sh', ...process.argv.slice(2)], ['PATH=/bin', 'HOME=/', 'PS1=gocontainer# '], 'exec /bin/sh');

if (process.env.GC_EXPLAIN) console.error(program.toString());

const kernel = createKernel();
let code = 1;
try {
  const child = kernel.spawn(program, { cloneFlags: CONTAINER_CLONE_FLAGS });
  // The shell owns the terminal while it runs; Ctrl-C is for it, not for us.
  process.on('SIGINT', () => {});
  const [status] = await Promise.all([
    child.exited,
    child.started.catch((e) => console.error(`namespaced-shell: ${e.message}`)),
  ]);
  code = shellExitCode(status);
} catch (e) {
  console.error(`namespaced-shell: ${e.message}`);
} finally {
  busybox.remove();
}
process.exit(code);
