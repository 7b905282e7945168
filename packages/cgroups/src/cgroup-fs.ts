import * as fs from 'node:fs';
import { createKernel } from '@gc/syscall';

/**
 * The file operations the drivers make on cgroupfs. Real cgroupfs is only
 * ever used through `nodeCgroupFs`; tests pass a double that makes a temp dir
 * behave like cgroupfs (`@gc/cgroups/testing`). Sync calls: these are small
 * host-side writes the kernel answers at once, and order matters.
 */
export interface CgroupFs {
  exists(path: string): boolean;
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
  /**
   * The same write, off the main thread. Moving a process into a v1 cgroup
   * takes a global lock (cgroup_threadgroup_rwsem) whose first writer waits
   * for an RCU grace period (10 to 30 ms on the development VMs); writes that
   * follow within a grace period pass at once. join() writes every hierarchy
   * concurrently: the first waits, the others queue behind it, none of them
   * blocks the event loop.
   */
  writeFileAsync?(path: string, data: string): Promise<void>;
  mkdir(path: string): void;
  /**
   * `mkdir -p`: make `path` and its missing parents in one call; returns the
   * first directory it made (those below it were made too), undefined when
   * `path` was there. Optional: without it, each directory is made by `mkdir`.
   * A double that overrides `mkdir` must override this as well (or leave it out).
   */
  mkdirp?(path: string): string | undefined;
  rmdir(path: string): void;
  /**
   * Tag a directory with an extended attribute (cgroupfs keeps `user.*` and
   * `trusted.*` ones, as systemd's `user.delegate`). Optional: without the
   * two, a parent cgroup is removed only by the manager that made it.
   */
  setXattr?(path: string, name: string, value: string): void;
  /** The attribute's value, undefined when the directory has none. */
  getXattr?(path: string, name: string): string | undefined;
  /** The names of the subdirectories (child cgroups). */
  subdirs(path: string): string[];
  /** An O_RDONLY | O_DIRECTORY | O_CLOEXEC fd for the directory. */
  openDir(path: string): number;
  /** An O_WRONLY | O_CLOEXEC fd for the file (a v1 `tasks` file a new process writes to). */
  openWrite(path: string): number;
  close(fd: number): void;
}

export const nodeCgroupFs: CgroupFs = {
  exists: (path) => fs.existsSync(path),
  readFile: (path) => fs.readFileSync(path, 'utf8'),
  // One write(2) per value: cgroupfs parses each write on its own.
  writeFile: (path, data) => {
    const fd = fs.openSync(path, fs.constants.O_WRONLY);
    try {
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
  },
  // Only the write goes to libuv's pool: it is what can wait (an RCU grace
  // period in a v1 cgroup.procs), while open and close on cgroupfs return at
  // once. One pool round trip per value instead of three.
  writeFileAsync: async (path, data) => {
    const fd = fs.openSync(path, fs.constants.O_WRONLY);
    try {
      await new Promise<void>((resolve, reject) => {
        fs.write(fd, data, (err) => (err ? reject(err) : resolve()));
      });
    } finally {
      fs.closeSync(fd);
    }
  },
  mkdir: (path) => fs.mkdirSync(path),
  mkdirp: (path) => fs.mkdirSync(path, { recursive: true }),
  rmdir: (path) => fs.rmdirSync(path),
  setXattr: (path, name, value) => createKernel().setxattr(path, name, value),
  getXattr: (path, name) => createKernel().getxattr(path, name),
  subdirs: (path) =>
    fs
      .readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  // libuv opens with O_CLOEXEC, so the fd does not leak into other children.
  openDir: (path) => fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY),
  openWrite: (path) => fs.openSync(path, fs.constants.O_WRONLY),
  close: (fd) => fs.closeSync(fd),
};
