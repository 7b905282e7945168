import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './command-line.js';
import { RUN_OPTIONS } from './commands/run/run-options.js';

const parse = (...argv: string[]) => parseCommandLine('run', argv, RUN_OPTIONS);

describe('parseCommandLine', () => {
  it('stops at the command: its own options stay its own', () => {
    const { flags, rest } = parse('-e', 'A=1', '--env=B=2', '-it', '--rm', '/bin/ls', '-l', '--env', 'x');
    expect(flags.env).toEqual(['A=1', 'B=2']);
    expect(flags.interactive).toBe(true);
    expect(flags.tty).toBe(true);
    expect(flags.rm).toBe(true);
    expect(rest).toEqual(['/bin/ls', '-l', '--env', 'x']);
  });

  it('takes values in the next argument or after =, and -- ends the options', () => {
    const { flags, rest } = parse(
      '-h',
      'web',
      '--memory=64m',
      '-v',
      '/a:/b',
      '-v',
      '/c:/d:ro',
      '--',
      '--not-an-option',
    );
    expect(flags.hostname).toBe('web');
    expect(flags.memory).toBe('64m');
    expect(flags.volume).toEqual(['/a:/b', '/c:/d:ro']);
    expect(rest).toEqual(['--not-an-option']);
  });

  it('gives every multiple option an array and leaves absent ones undefined', () => {
    const { flags, rest } = parse('/bin/true');
    expect(flags.capAdd).toEqual([]);
    expect(flags.hostname).toBeUndefined();
    expect(rest).toEqual(['/bin/true']);
  });

  it('names an unknown option or a missing value', () => {
    expect(() => parse('--bogus', '/bin/true')).toThrow("run: Unknown option '--bogus'");
    expect(() => parse('-m')).toThrow(/run: Option '-m, --memory <value>' argument missing/);
    expect(() => parse('--privileged=yes', '/bin/true')).toThrow(/--privileged/);
  });

  it('takes true or false after a boolean, as docker does (--rm=false, -d=true), the last one given counting', () => {
    const off = parse('--rm', '--rm=false', '--init=true', '--privileged=0', '-d=true', '/bin/true');
    expect(off.flags.rm).toBe(false);
    expect(off.flags.init).toBe(true);
    expect(off.flags.privileged).toBe(false);
    expect(off.flags.detach).toBe(true);
    expect(off.rest).toEqual(['/bin/true']);
    const cluster = parse('-it', '--tty=false', '-e', 'hello', '/bin/sh');
    expect(cluster.flags.interactive).toBe(true);
    expect(cluster.flags.tty).toBe(false);
    expect(cluster.flags.env).toEqual(['hello']);
    expect(parse('-tt', '--tty=false', '/bin/sh').flags.tty).toBe(false);
    const on = parse('--read-only=false', '--read-only=True', '/bin/true');
    expect(on.flags.readOnly).toBe(true);
    // Not given at all: undefined, not false.
    expect(parse('/bin/true').flags.rm).toBeUndefined();
    expect(() => parse('--rm=maybe', '/bin/true')).toThrow(
      'run: --rm: "maybe" is not a boolean (expected true or false, as --rm=false)',
    );
  });

  it('takes a value that starts with a dash in the next argument, as docker does', () => {
    const { flags, rest } = parse(
      '--memory-swap',
      '-1',
      '--pids-limit',
      '-1',
      '--oom-score-adj',
      '-500',
      '--cpu-shares',
      '-1',
      '-e',
      '-x',
      '/bin/true',
      '-1',
    );
    expect(flags.memorySwap).toBe('-1');
    expect(flags.pidsLimit).toBe('-1');
    expect(flags.oomScoreAdj).toBe('-500');
    expect(flags.cpuShares).toBe('-1');
    expect(flags.env).toEqual(['-x']);
    expect(rest).toEqual(['/bin/true', '-1']);
    // The `=` form is unchanged, and a value may even be `--`.
    expect(parse('--oom-score-adj=-5', '-w', '--', '/bin/true').flags).toMatchObject({
      oomScoreAdj: '-5',
      workdir: '--',
    });
  });
});
