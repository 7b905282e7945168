import * as fs from 'node:fs';
import { open } from 'node:fs/promises';

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
   * waits for an RCU grace period (~2.5 ms here) per hierarchy; writes made at
   * once share them, so join() writes every hierarchy concurrently.
   */
  writeFileAsync?(path: string, data: string): Promise<void>;
  mkdir(path: string): void;
  rmdir(path: string): void;
  /** The names of the subdirectories (child cgroups). */
  subdirs(path: string): string[];
  /** An O_RDONLY | O_DIRECTORY | O_CLOEXEC fd for the directory. */
  openDir(path: string): number;
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
  writeFileAsync: async (path, data) => {
    const file = await open(path, fs.constants.O_WRONLY);
    try {
      await file.write(data);
    } finally {
      await file.close();
    }
  },
  mkdir: (path) => fs.mkdirSync(path),
  rmdir: (path) => fs.rmdirSync(path),
  subdirs: (path) =>
    fs
      .readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  // libuv opens with O_CLOEXEC, so the fd does not leak into other children.
  openDir: (path) => fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY),
};
