import type { CgroupFs } from './cgroup-fs.js';
import { fsError } from './errors.js';
import { isNormalAbsolute, joinName } from './join-path.js';

/** One cgroup directory in one hierarchy, with error messages that name the file and the value. */
export class CgroupDir {
  /** Is `path` normal, so that a file's path is `${path}/${name}`? */
  readonly #normal: boolean;

  constructor(
    readonly path: string,
    readonly version: 1 | 2,
    readonly fs: CgroupFs,
  ) {
    this.#normal = isNormalAbsolute(path);
  }

  /** `join(path, name)`: every read and write makes one, so without normalising the path again. */
  file(name: string): string {
    return joinName(this.path, name, this.#normal);
  }

  has(name: string): boolean {
    return this.fs.exists(this.file(name));
  }

  read(name: string): string {
    const path = this.file(name);
    try {
      return this.fs.readFile(path);
    } catch (e) {
      throw fsError(e, 'read', `read ${path}`, path);
    }
  }

  /**
   * The file's content, or undefined when the file does not exist. One read
   * when it does (the usual case); whether it exists is asked only when the
   * read failed, so a file that is there but cannot be read still throws.
   */
  readIfExists(name: string): string | undefined {
    const path = this.file(name);
    try {
      return this.fs.readFile(path);
    } catch (e) {
      if (!this.fs.exists(path)) return undefined;
      throw fsError(e, 'read', `read ${path}`, path);
    }
  }

  /** A single-number file; undefined when missing, `max` or a v1 "unlimited" value. */
  readNumber(name: string): number | undefined {
    const text = this.readIfExists(name)?.trim();
    if (text === undefined || text === '' || text === 'max') return undefined;
    const n = Number(text);
    // v1 reports "no limit" as PAGE_COUNTER_MAX pages (~2^63 bytes).
    return Number.isFinite(n) && n < 2 ** 62 ? n : undefined;
  }

  /** A flat-keyed file (`key value` lines, as memory.events, cpu.stat). */
  readKeyed(name: string): Map<string, number> {
    const out = new Map<string, number>();
    const text = this.readIfExists(name);
    if (text === undefined) return out;
    for (const line of text.split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key && value !== undefined) out.set(key, Number(value));
    }
    return out;
  }

  /** The pids in cgroup.procs. */
  procs(): number[] {
    const text = this.readIfExists('cgroup.procs') ?? '';
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  }

  /** Write one value; the error reads `write "50M" to .../memory.max: EINVAL`, prefixed by the OCI field. */
  write(name: string, value: string | number, field?: string): void {
    const path = this.file(name);
    const data = String(value);
    try {
      this.fs.writeFile(path, data);
    } catch (e) {
      throw fsError(e, 'write', `write "${data}" to ${path}`, path, field);
    }
  }

  /** `write`, through `writeFileAsync` when the fs has it, so that several can run at once. */
  async writeAsync(name: string, value: string | number, field?: string): Promise<void> {
    const path = this.file(name);
    const data = String(value);
    try {
      if (this.fs.writeFileAsync) await this.fs.writeFileAsync(path, data);
      else this.fs.writeFile(path, data);
    } catch (e) {
      throw fsError(e, 'write', `write "${data}" to ${path}`, path, field);
    }
  }
}
