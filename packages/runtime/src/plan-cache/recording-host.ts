import type { HostProbe } from '@gc/rootfs';

/** One question planning asked the host, and its answer (JSON text: `undefined` is `null`). */
export type HostAnswer = readonly [method: keyof HostProbe, path: string | null, answer: string];

const METHODS = ['lstat', 'stat', 'readlink', 'owner', 'cgroupLayout', 'mountPointOf', 'kernelRelease'] as const;

/**
 * `host`, with every question and answer written to `answers`, in order:
 * what a plan depends on of the host. `toHost` maps a path as planning
 * asks it to the path asked of `host` (identity by default).
 */
export function recordingHost(
  host: HostProbe,
  answers: HostAnswer[],
  toHost: (path: string) => string = (path) => path,
): HostProbe {
  const ask = (method: keyof HostProbe, path: string | null): unknown => {
    const call = host[method] as (p?: string) => unknown;
    const answer = path === null ? call.call(host) : call.call(host, toHost(path));
    answers.push([method, path, JSON.stringify(answer ?? null)]);
    return answer;
  };
  const probe = {} as Record<keyof HostProbe, unknown>;
  for (const method of METHODS) {
    probe[method] =
      method === 'cgroupLayout' || method === 'kernelRelease'
        ? () => ask(method, null)
        : (path: string) => ask(method, path);
  }
  return probe as unknown as HostProbe;
}

/**
 * Does `host` answer each question as recorded? `toHost` as for
 * `recordingHost`; `recorded` makes an answer's JSON text as it was recorded.
 */
export function sameAnswers(
  host: HostProbe,
  answers: readonly HostAnswer[],
  toHost: (path: string) => string = (path) => path,
  recorded: (answer: string) => string = (answer) => answer,
): boolean {
  // Planning asks some questions several times: each is asked once here
  // (a question answered two ways while planning never matches).
  const asked = new Map<string, string>();
  return answers.every(([method, path, answer]) => {
    const question = `${method}\0${path}`;
    const before = asked.get(question);
    if (before !== undefined) return before === answer;
    asked.set(question, answer);
    const call = host[method] as (p?: string) => unknown;
    const now = path === null ? call.call(host) : call.call(host, toHost(path));
    return recorded(JSON.stringify(now ?? null)) === answer;
  });
}
