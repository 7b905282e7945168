import { lastCap as hostLastCap } from '@gc/capabilities';
import { planNamespaces } from '@gc/namespaces';
import { createHostProbe } from '@gc/rootfs';
import { type Arch, currentArch, EncodedProgram, PROGRAM_VERSION, Program } from '@gc/syscall';
import { newContainerId } from '../container-id.js';
import { type ContainerPlan, containerNamespaces, type PlanOptions, planContainer } from '../plan-container.js';
import type { Spec } from '../spec.js';
import type { CachedPlan, PlanCache } from './plan-cache.js';
import { type HostAnswer, recordingHost, sameAnswers } from './recording-host.js';

/** Bump when what a key holds, or how an entry is read, changes. */
const KEY_FORMAT = 1;
/** Stand for the container's ID and its short form (Docker's hostname) in keys and entries: as long as them. */
const ID_MARK = `{${'I'.repeat(62)}}`;
const SHORT_LENGTH = 12;
const SHORT_MARK = `{${'i'.repeat(SHORT_LENGTH - 2)}}`;

type Marks = readonly (readonly [text: string, mark: string])[];

export interface CachedContainerPlan extends ContainerPlan {
  /** The program came from the cache: nothing was planned. */
  readonly fromCache: boolean;
}

/**
 * `planContainer`, through a cache of planned programs: a repeated start
 * of the same container (the same spec and options, on the same host)
 * skips planning and spawns the program planned before. It gives exactly
 * the program `planContainer` gives; the key holds everything planning
 * reads but the host, and the entry holds every question planning asked the
 * host (`HostProbe`: the root's files, mount points, the cgroup layout, the
 * kernel release) with its answer, all asked again before an entry is used.
 *
 * The key: the spec and the options (fd numbers included), the arch, the
 * kernel's last capability, the program format, and (the cache's salt) the
 * build of the planners. A new container has a new ID, which shows in its
 * plan (hostname, keyring, run directory paths): the ID and its first 12
 * characters stand as marks in keys and entries. An entry is only made
 * once a second plan, for another ID, gave the same program but for the ID:
 * a plan that depends on the ID in any other way is never cached.
 *
 * Not cached (planned every time): plans with hooks (`beforePivot`,
 * `beforeExec`), rlimits or sysctls (their planners read the host beyond
 * the probe), and specs with values JSON cannot hold.
 */
export function planContainerCached(spec: Spec, opts: PlanOptions, cache: PlanCache): CachedContainerPlan {
  const uncached = (): CachedContainerPlan => ({ ...planContainer(spec, opts), fromCache: false });
  if (opts.beforePivot || opts.beforeExec || spec.process?.rlimits?.length) return uncached();
  if (spec.linux?.sysctl && Object.keys(spec.linux.sysctl).length > 0) return uncached();
  let lastCap: number;
  try {
    lastCap = opts.lastCap ?? hostLastCap();
  } catch {
    return uncached();
  }
  const arch = opts.arch ?? currentArch();
  const id = opts.containerId;
  const marks: Marks = id === undefined ? [] : marksOf(id);
  const key = planKey(spec, opts, arch, lastCap, marks);
  if (key === undefined) return uncached();
  const host = opts.host ?? createHostProbe();
  const planOpts: PlanOptions = { ...opts, arch, lastCap, host };

  const hit = cache.get(key);
  if (hit !== undefined) {
    const reused = reuse(hit, spec, planOpts, marks);
    if (reused !== undefined) return reused;
  }

  const answers: HostAnswer[] = [];
  const plan = planContainer(spec, { ...planOpts, host: recordingHost(host, answers) });
  const entry = toEntry(plan, answers, marks);
  if (entry !== undefined && id !== undefined && sameForAnotherId(entry, spec, planOpts, id)) {
    cache.set(key, entry);
    // Read back as the next start will read it: an entry that does not give
    // this very program goes. (This also runs the reading code once, so that
    // the CLI's V8 code cache, made by the first run, holds it.)
    const back = cache.get(key);
    const reused = back === undefined ? undefined : reuse(back, spec, planOpts, marks);
    if (reused === undefined || !sameBytes(reused.program.encode(), plan.program.encode())) cache.delete(key);
  }
  return { ...plan, fromCache: false };
}

/** The marks for an ID: the whole ID, then its short form. */
function marksOf(id: string): [readonly [string, string], readonly [string, string]] {
  return [
    [id, ID_MARK],
    [id.slice(0, SHORT_LENGTH), SHORT_MARK],
  ];
}

/** Everything a plan depends on but the host's answers, with the ID marked; undefined when it cannot be a key. */
function planKey(spec: Spec, opts: PlanOptions, arch: Arch, lastCap: number, marks: Marks): string | undefined {
  // Docker's IDs (64 hex digits) only: the marks are as long as the ID and its short form.
  if (opts.containerId !== undefined && !/^[0-9a-f]{64}$/.test(opts.containerId)) return undefined;
  let text: string;
  try {
    text = JSON.stringify(
      {
        format: KEY_FORMAT,
        program: PROGRAM_VERSION,
        arch,
        lastCap,
        spec,
        options: {
          containerId: opts.containerId ?? null,
          overlay: opts.overlay ?? null,
          initFd: opts.initFd ?? null,
          stdio: opts.stdio ?? null,
          cgroup: opts.cgroup?.selfMove ?? null,
          consoleSocket: opts.consoleSocket ?? null,
          parentDeathSignal: opts.parentDeathSignal ?? null,
          noNewKeyring: opts.noNewKeyring ?? null,
          noPivot: opts.noPivot ?? null,
          execFifo: opts.execFifo ?? null,
          execHelper: opts.execHelper ?? null,
        },
      },
      (_, value: unknown) => {
        if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
          throw new TypeError('not a key');
        }
        return value;
      },
    );
  } catch {
    return undefined;
  }
  if (text.includes(ID_MARK) || text.includes(SHORT_MARK)) return undefined;
  return mark(text, marks);
}

/** The cached program for this start, if the host still answers as it did. */
function reuse(hit: CachedPlan, spec: Spec, opts: PlanOptions, marks: Marks): CachedContainerPlan | undefined {
  const host = opts.host as NonNullable<PlanOptions['host']>;
  // Paths and answers were recorded with the ID marked: this start's are asked, and compared marked.
  const asked = sameAnswers(
    host,
    hit.answers,
    (path) => unmark(path, marks),
    (answer) => mark(answer, marks),
  );
  if (!asked) return undefined;
  let program: EncodedProgram;
  try {
    program = new EncodedProgram(unmarkBytes(hit.blob, marks), { trusted: true });
  } catch {
    return undefined;
  }
  // The namespaces' half of the plan holds the handshake after the spawn: planned again (a few ops), and checked.
  const scratch = new Program({ arch: program.arch });
  const namespaces = planNamespaces(scratch, containerNamespaces(spec, opts));
  if (String(namespaces.cloneFlags) !== hit.cloneFlags) return undefined;
  const same = scratch.ops.every((op, i) => program.ops[i]?.label === op.label && program.ops[i]?.kind === op.kind);
  if (!same) return undefined;
  return {
    program,
    cloneFlags: namespaces.cloneFlags,
    namespaces,
    execOp: hit.execOp,
    ...(hit.lookOp === undefined ? {} : { lookOp: hit.lookOp }),
    command: unmark(hit.command, marks),
    fromCache: true,
  };
}

/** The entry for a plan, the ID marked; undefined when a mark is in it already. */
function toEntry(plan: ContainerPlan, answers: readonly HostAnswer[], marks: Marks): CachedPlan | undefined {
  const blob = Buffer.from(plan.program.encode());
  if (blob.includes(ID_MARK) || blob.includes(SHORT_MARK)) return undefined;
  return {
    blob: markBytes(blob, marks),
    answers: answers.map(([method, path, answer]) => [
      method,
      path === null ? null : mark(path, marks),
      mark(answer, marks),
    ]),
    cloneFlags: String(plan.cloneFlags),
    execOp: plan.execOp,
    lookOp: plan.lookOp,
    command: mark(plan.command, marks),
  };
}

/**
 * Plan the same start for another ID (the host asked about this start's
 * paths): does it give the same entry? Only then does the plan depend on
 * the ID through the marked text alone.
 */
function sameForAnotherId(entry: CachedPlan, spec: Spec, opts: PlanOptions, id: string): boolean {
  const other = newContainerId();
  const theirs = marksOf(other);
  const swap = (text: string) => unmark(mark(text, marksOf(id)), theirs);
  try {
    const otherSpec = JSON.parse(swap(JSON.stringify(spec))) as Spec;
    const otherOpts: PlanOptions = {
      ...opts,
      containerId: other,
      ...(opts.overlay ? { overlay: JSON.parse(swap(JSON.stringify(opts.overlay))) } : {}),
    };
    const answers: HostAnswer[] = [];
    const host = recordingHost(opts.host as NonNullable<PlanOptions['host']>, answers, (path) =>
      unmark(mark(path, theirs), marksOf(id)),
    );
    const plan = planContainer(otherSpec, { ...otherOpts, host });
    const again = toEntry(plan, answers, theirs);
    return (
      again !== undefined &&
      sameBytes(again.blob, entry.blob) &&
      JSON.stringify(again.answers) === JSON.stringify(entry.answers) &&
      again.cloneFlags === entry.cloneFlags &&
      again.execOp === entry.execOp &&
      again.lookOp === entry.lookOp &&
      again.command === entry.command
    );
  } catch {
    return false;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

function mark(text: string, marks: Marks): string {
  let out = text;
  for (const [from, to] of marks) out = out.split(from).join(to);
  return out;
}

function unmark(text: string, marks: Marks): string {
  let out = text;
  for (const [from, to] of marks) out = out.split(to).join(from);
  return out;
}

function markBytes(blob: Buffer, marks: Marks): Buffer {
  return replaceBytes(
    blob,
    marks.map(([from, to]) => [from, to]),
  );
}

function unmarkBytes(blob: Uint8Array, marks: Marks): Buffer {
  return replaceBytes(
    Buffer.from(blob),
    marks.map(([from, to]) => [to, from]),
  );
}

/** Each `from` replaced by `to` (of the same length), in order, in a copy. */
function replaceBytes(blob: Buffer, pairs: readonly (readonly [string, string])[]): Buffer {
  const out = Buffer.from(blob);
  for (const [from, to] of pairs) {
    const needle = Buffer.from(from);
    const replacement = Buffer.from(to);
    for (let at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, at + needle.length)) {
      replacement.copy(out, at);
    }
  }
  return out;
}
