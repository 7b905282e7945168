import { spawn } from 'node:child_process';

/**
 * Keep a pty master open after gocontainer is gone (`exec -it` detached,
 * `exec -dt`): were it closed, the process on the pty would get a hangup and
 * its writes would fail. Docker's daemon holds it; here a host `cat` in a
 * session of its own does, reading (and dropping) what the process writes
 * so that it never blocks on a full pty, and ends when the process does
 * (the master reads EIO).
 */
export function holdPtyMaster(master: number): void {
  const holder = spawn('cat', [], { stdio: [master, 'ignore', 'ignore'], detached: true });
  holder.unref();
}
