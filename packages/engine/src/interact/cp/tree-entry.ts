import type { Timespec } from '@gc/syscall';

export type TreeEntryType = 'dir' | 'file' | 'symlink' | 'char' | 'block' | 'fifo';

/** One entry of a tree being copied: what a walk of files or a tar stream gives, and a tree writer makes. */
export interface TreeEntry {
  /** Components below the copy's root (`[]` is the root itself); none is empty, `.` or `..`. */
  readonly path: readonly string[];
  readonly type: TreeEntryType;
  /** Permission bits with setuid, setgid and sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Timespec;
  readonly atime: Timespec;
  /** symlink: its target. */
  readonly linkTarget?: string;
  /** char, block: the device numbers. */
  readonly major?: number;
  readonly minor?: number;
  /** file: its size in bytes (a tar header needs it first). */
  readonly size?: number;
}

/** Where a file's data goes. */
export interface DataSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** What takes a tree's entries, parents before children. */
export interface TreeSink {
  /** Make the entry; for a file, returns where its data goes. */
  put(entry: TreeEntry): DataSink | undefined;
  /** Everything was put: set the directories' times, close what is open. */
  finish(): void;
  /** Close what is open after a failure. */
  abort(): void;
}
