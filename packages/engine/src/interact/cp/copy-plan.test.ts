import { describe, expect, it } from 'vitest';
import { planCopy } from './copy-plan.js';

const file = (path: string) => ({ path, isDir: false });
const dir = (path: string) => ({ path, isDir: true });
const missing = (path: string) => ({ path, isDir: undefined });
const existingDir = (path: string) => ({ path, isDir: true });
const existingFile = (path: string) => ({ path, isDir: false });

describe("planCopy (docker cp's rules)", () => {
  it('a file to a missing DEST becomes DEST', () => {
    expect(planCopy(file('/etc/hosts'), missing('/tmp/h'))).toEqual({ parent: '/tmp', name: 'h' });
  });

  it('a file to a missing DEST/ is refused: the directory must exist', () => {
    expect(() => planCopy(file('/etc/hosts'), missing('/tmp/new/'))).toThrow(
      /destination directory \/tmp\/new\/ must exist/,
    );
  });

  it('a file onto a file overwrites it; into a directory goes under its own name', () => {
    expect(planCopy(file('/etc/hosts'), existingFile('/tmp/h'))).toEqual({ parent: '/tmp', name: 'h' });
    expect(planCopy(file('/etc/hosts'), existingDir('/tmp'))).toEqual({ parent: '/tmp', name: 'hosts' });
    expect(planCopy(file('/etc/hosts'), existingDir('/tmp/'))).toEqual({ parent: '/tmp', name: 'hosts' });
  });

  it('a file named with a trailing slash is refused', () => {
    expect(() => planCopy(file('/etc/hosts/'), existingDir('/tmp'))).toThrow(/\/etc\/hosts\/: not a directory/);
  });

  it('a file onto DEST/ that is a file is refused', () => {
    expect(() => planCopy(file('/a'), existingFile('/tmp/h/'))).toThrow(/not a directory/);
  });

  it('a directory to a missing DEST becomes DEST', () => {
    expect(planCopy(dir('/var/log'), missing('/tmp/logs'))).toEqual({ parent: '/tmp', name: 'logs' });
    expect(planCopy(dir('/var/log'), missing('/tmp/logs/'))).toEqual({ parent: '/tmp', name: 'logs' });
  });

  it('a directory into a directory goes under its own name; SRC/. merges its contents', () => {
    expect(planCopy(dir('/var/log'), existingDir('/tmp'))).toEqual({ parent: '/tmp', name: 'log' });
    expect(planCopy(dir('/var/log/'), existingDir('/tmp'))).toEqual({ parent: '/tmp', name: 'log' });
    expect(planCopy(dir('/var/log/.'), existingDir('/tmp'))).toEqual({ parent: '/tmp', name: '' });
  });

  it('the root of a container merges into the directory', () => {
    expect(planCopy(dir('/'), existingDir('/tmp/out'))).toEqual({ parent: '/tmp/out', name: '' });
  });

  it('a directory onto a file is refused', () => {
    expect(() => planCopy(dir('/var/log'), existingFile('/tmp/h'))).toThrow(/cannot copy a directory to a file/);
  });

  it('a relative DEST keeps its parent', () => {
    expect(planCopy(file('/etc/hosts'), missing('h'))).toEqual({ parent: '.', name: 'h' });
  });
});
