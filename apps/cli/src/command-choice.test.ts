import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChoiceProbes, chooseFlavour, firstPositional } from './command-choice.js';
import { parseGlobalOptions } from './global-options.js';

/** Copied from the engines rig (recipes/engines/captured): what each engine ran, one call a line. */
const CAPTURED = join(import.meta.dirname, '__fixtures__', 'engine-calls');

/** Every runtime call the engines made: `cwd=DIR CALLER : ARGS`. */
function capturedCalls(): { file: string; argv: string[] }[] {
  return readdirSync(CAPTURED)
    .filter((f) => /^argv-.*\.log$/.test(f))
    .flatMap((file) =>
      readFileSync(join(CAPTURED, file), 'utf8')
        .split('\n')
        .filter((l) => l.includes(' : '))
        .map((l) => ({
          file,
          argv: l
            .slice(l.indexOf(' : ') + 3)
            .split(' ')
            .filter(Boolean),
        })),
    );
}

const choose = (argv: readonly string[], probes: ChoiceProbes) => {
  const { global, rest } = parseGlobalOptions(argv);
  const [command = '', ...args] = rest;
  return chooseFlavour(command, args, global, probes);
};

describe('runc or Docker', () => {
  it("every call containerd, dockerd and podman made goes to runc's command, even when the engine has a container of that name", () => {
    const calls = capturedCalls();
    expect(calls.length).toBeGreaterThan(50);
    for (const files of ['containerd', 'docker', 'podman'])
      expect(calls.some((c) => c.file.includes(files))).toBe(true);
    // The engines' containers exist under the runtime root when they are called; the engine store "has" them too.
    const worst: ChoiceProbes = { ociContainer: () => true, engineContainer: () => true };
    for (const { file, argv } of calls)
      expect([file, argv.join(' '), choose(argv, worst)]).toEqual([file, argv.join(' '), 'runc']);
    // A container gone from the runtime root (kill after delete) and unknown to the engine: runc's, and its error.
    const gone: ChoiceProbes = { ociContainer: () => false, engineContainer: () => false };
    for (const { argv } of calls) expect(choose(argv, gone)).toBe('runc');
  });

  it("with --root, a shared command is runc's without asking the store", () => {
    const probes: ChoiceProbes = {
      ociContainer: () => false,
      engineContainer: () => {
        throw new Error('asked');
      },
    };
    expect(choose(['--root', '/r', 'kill', 'web'], probes)).toBe('runc');
    expect(choose(['--root', '/r', 'ps', '--format', 'json', 'web'], probes)).toBe('runc');
  });

  it("Docker's when Docker-shaped and naming an engine container that is no OCI container", () => {
    const engine = (...names: string[]): ChoiceProbes => ({
      ociContainer: (id) => id === 'oci1',
      engineContainer: (ref) => names.includes(ref),
    });
    const e = engine('web', 'oci1');
    expect(choose(['ps'], e)).toBe('docker');
    expect(choose(['ps', '-a', '-q'], e)).toBe('docker');
    expect(choose(['ps', '--format', 'json'], e)).toBe('docker');
    expect(choose(['ps', '-f', 'status=running'], e)).toBe('docker');
    // runc's ps takes a container; Docker's none.
    expect(choose(['ps', 'web'], e)).toBe('runc');
    expect(choose(['ps', '--format', 'json', 'oci1'], e)).toBe('runc');
    expect(choose(['kill', 'web'], e)).toBe('docker');
    expect(choose(['kill', '-s', 'HUP', 'web'], e)).toBe('docker');
    expect(choose(['kill', 'oci1', '9'], e)).toBe('runc');
    expect(choose(['kill', 'other', '9'], e)).toBe('runc');
    expect(choose(['start', '-a', 'web'], e)).toBe('docker');
    expect(choose(['pause', 'web'], e)).toBe('docker');
    expect(choose(['exec', '-it', '-e', 'A=1', '-w', '/', 'web', 'sh'], e)).toBe('docker');
    expect(choose(['exec', '--process', 'web', 'oci1'], e)).toBe('runc');
    for (const only of ['stop', 'rm', 'logs', 'wait', 'top', 'unpause', 'rename']) {
      expect(choose([only, 'anything'], e)).toBe('docker');
    }
    expect(choose(['delete', 'web'], e)).toBe('runc');
    expect(choose(['state', 'web'], e)).toBe('runc');
  });

  it('finds the first positional past the options of either command line', () => {
    expect(firstPositional('kill', ['--signal', 'TERM', 'a'])).toBe('a');
    expect(firstPositional('kill', ['--signal=TERM', 'a'])).toBe('a');
    expect(firstPositional('kill', ['-a', 'a', '9'])).toBe('a');
    expect(firstPositional('exec', ['--detach', '--pid-file', 'p', 'id'])).toBe('id');
    expect(firstPositional('ps', ['-a'])).toBeUndefined();
    expect(firstPositional('start', ['--', '-x'])).toBe('-x');
  });
});
