import { createInterface } from 'node:readline';

/** The first line of standard input (Docker asks even when it is not a terminal). */
export async function answer(question: string): Promise<string> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** Docker's prune question: yes for `y` or `yes`; anything else (and no input) is no, with a newline. */
export async function confirm(question: string): Promise<boolean> {
  const yes = /^y(es)?$/i.test((await answer(question)).trim());
  if (!yes) process.stdout.write('\n');
  return yes;
}
