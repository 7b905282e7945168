#!/usr/bin/env node
// A shell in new mount, UTS, IPC, PID, network and cgroup namespaces, on a
// throwaway busybox root, set up by one syscall program. Arguments go to sh:
//
//   node examples/namespaced-shell.mjs                 # an interactive shell
//   node examples/namespaced-shell.mjs -c 'ps; hostname'
import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
  createKernel,
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_REC,
  Program,
  shellExitCode,
} from '@gc/syscall';
import { createBusyboxRoot } from '@gc/syscall/testing';

const busybox = createBusyboxRoot();
const root = busybox.path;

const program = new Program();
const p = program.scope('examples');
p.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
p.syscall('mount', [root, root, null, MS_BIND | MS_REC, null], `bind ${root} on itself`);
p.syscall('chdir', [root], `chdir to ${root}`);
p.syscall('pivot_root', ['.', '.'], 'pivot_root to .');
p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
p.syscall('chdir', ['/'], 'chdir to /');
p.syscall('mount', ['proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null], 'mount proc on /proc');
p.syscall('sethostname', ['gocontainer', 11], 'set hostname gocontainer');
p.execvp('/bin/sh', ['sh', ...process.argv.slice(2)], ['PATH=/bin', 'HOME=/', 'PS1=gocontainer# '], 'exec /bin/sh');

if (process.env.GC_EXPLAIN) console.error(program.toString());

const kernel = createKernel();
let code = 1;
try {
  const child = kernel.spawn(program, {
    cloneFlags: CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP,
  });
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
