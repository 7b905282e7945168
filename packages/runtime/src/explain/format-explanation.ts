import { type ExplainedOp, type Explanation, PACKAGE_ROLES } from './explain-program.js';

/**
 * The explanation for a reader: what the runtime does before the clone,
 * then the program's ops in the order they run, in runs of one package
 * each under a heading that says what that package is for; each op with
 * its index, its kind (the syscall's name, or WAIT, NOTIFY, FORK, EXECVP...)
 * and its label. The last line counts the ops of each package.
 */
export function formatExplanation(e: Explanation, title = 'the container'): string {
  const lines: string[] = [
    title,
    `as the syscall program it would run (${e.arch}); nothing was run or made.`,
    '',
    `Before the program, gocontainer makes the cgroup ${e.cgroup}`,
    `and writes its limits, then clone3()s the child${e.cloneFlags.length > 0 ? ' in new namespaces:' : '.'}`,
    ...(e.cloneFlags.length > 0 ? [`  ${e.cloneFlags.join('|')}`] : []),
    ...(e.intoCgroup ? ['straight into the cgroup (CLONE_INTO_CGROUP).'] : []),
    'The child keeps these fds and closes every other one:',
    ...e.fds.map((fd) => `  ${String(fd.target).padStart(2)} <- ${fd.source}`),
    `Then it runs these ${e.ops.length} ops in order; the first one that fails ends it, and gocontainer`,
    "reports that op's label and errno.",
  ];
  const indexWidth = String(Math.max(0, e.ops.length - 1)).length;
  const kindWidth = Math.max(0, ...e.ops.map((op) => kindOf(op).length));
  let pkg: string | undefined;
  for (const op of e.ops) {
    if (op.package !== pkg) {
      pkg = op.package;
      const role = PACKAGE_ROLES[pkg];
      lines.push('', role ? `${pkg}: ${role}` : pkg);
    }
    lines.push(`  ${String(op.index).padStart(indexWidth)}  ${kindOf(op).padEnd(kindWidth)}  ${op.label}`);
  }
  const counts = new Map<string, number>();
  for (const op of e.ops) counts.set(op.package, (counts.get(op.package) ?? 0) + 1);
  lines.push('', `${e.ops.length} ops: ${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}

/** A syscall op by its syscall's name; the executor's own ops in capitals (WAIT, EXECVP). */
function kindOf(op: ExplainedOp): string {
  return op.kind === 'syscall' ? (op.syscall ?? 'syscall') : op.kind.toUpperCase();
}
