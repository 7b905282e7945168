import { Program } from '../program/program.js';

const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_PRIVATE = 1 << 18;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;
const MNT_DETACH = 2;

export const CONTAINER_NAMESPACES =
  0x00020000 /* NEWNS */ |
  0x04000000 /* NEWUTS */ |
  0x08000000 /* NEWIPC */ |
  0x20000000 /* NEWPID */ |
  0x40000000 /* NEWNET */ |
  0x02000000; /* NEWCGROUP */

/**
 * The setup a container runtime plans, reduced to what the foundation tests
 * need: a private mount tree, pivot_root into `root` (runc's `pivot_root(".",
 * ".")`), a fresh /proc, a hostname, then the command.
 */
export function containerProgram(opts: {
  root: string;
  hostname?: string;
  argv: string[];
  env?: string[];
  program?: Program;
}): Program {
  const program = opts.program ?? new Program();
  const p = program.scope('@gc/test');
  p.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
  p.syscall('mount', [opts.root, opts.root, null, MS_BIND | MS_REC, null], `bind ${opts.root} on itself`);
  p.syscall('chdir', [opts.root], `chdir to ${opts.root}`);
  p.syscall('pivot_root', ['.', '.'], 'pivot_root to .');
  p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
  p.syscall('chdir', ['/'], 'chdir to /');
  p.syscall('mount', ['proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null], 'mount proc on /proc');
  if (opts.hostname) {
    p.syscall('sethostname', [opts.hostname, Buffer.byteLength(opts.hostname)], `set hostname ${opts.hostname}`);
  }
  const [file] = opts.argv;
  if (!file) throw new TypeError('argv must name a command');
  p.execvp(file, opts.argv, opts.env ?? ['PATH=/bin:/sbin:/usr/bin', 'HOME=/root'], `exec ${file}`);
  return program;
}
