import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import {
  type EngineContainer,
  startEngineContainer,
  tempDataRoot,
} from '../../test-support/started-engine-container.js';

/** `cat` processes holding a pty master on stdin: exec's holders of detached ptys. */
function ptyHolders(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/comm`, 'utf8') === 'cat\n' && /ptmx$/.test(readlinkSync(`/proc/${n}/fd/0`));
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Docker's `exec` into a running engine container (its record, state.json
 * and spec as `run -d` leaves them), through the built CLI.
 */
describe.skipIf(!canRunIntegration())('gocontainer exec into an engine container', { timeout: 60_000 }, () => {
  let data: ReturnType<typeof tempDataRoot>;
  let web: EngineContainer;
  const exec = (args: string[], input?: string) =>
    gocontainer(['--data-root', data.path, 'exec', ...args], input === undefined ? {} : { input });

  beforeAll(async () => {
    data = tempDataRoot();
    web = await startEngineContainer(data.store, 'echo $$ > /tmp/init.pid; exec sleep 1000', {
      name: 'web',
      env: ['PATH=/usr/bin:/bin', 'GREETING=hello'],
      workingDir: '/root',
    });
    await until(() => existsSync(join(web.rootfs, 'tmp/init.pid')), 'the container start');
  });
  afterAll(async () => {
    await web?.remove();
    data?.remove();
  });

  it("runs in the container's namespaces: its hostname, its PID 1, its root", async () => {
    const r = await exec(['web', 'sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; ls /']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [hostname, init] = r.stdout.split('\n');
    expect(hostname).toBe('engine-test');
    expect(init?.trim()).toBe('sleep 1000');
    expect(r.stdout).toContain('bin');
  });

  it("has the container's capabilities, no_new_privs and seccomp filter", async () => {
    const fields = /^(CapBnd|CapEff|CapPrm|NoNewPrivs|Seccomp):.*$/gm;
    const init = await exec(['web', 'cat', '/proc/1/status']);
    const own = await exec(['web', 'cat', '/proc/self/status']);
    const ofInit = init.stdout.match(fields);
    expect(ofInit).toContain('Seccomp:\t2');
    expect(own.stdout.match(fields)).toEqual(ofInit);
  });

  it('refuses a paused container', async () => {
    await web.container.cgroup.freeze();
    try {
      const r = await exec(['web', 'true']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is paused, unpause the container first/);
    } finally {
      await web.container.cgroup.thaw();
    }
  });

  it("is in the container's cgroup", async () => {
    const r = await exec(['-d', 'web', 'sh', '-c', 'echo $$ > /tmp/d.pid; exec sleep 30']);
    expect(r.code).toBe(0);
    await until(() => existsSync(join(web.rootfs, 'tmp/d.pid')), 'the detached exec');
    // Its pid as the host sees it: the container's cgroup holds one more process than the init.
    expect(web.container.cgroup.pids().length).toBeGreaterThanOrEqual(2);
    expect(web.container.cgroup.pids()).toContain(web.pid);
  });

  it("takes the container's env, working directory and user; -e, -w and -u change them", async () => {
    const plain = await exec(['web', 'sh', '-c', 'echo $GREETING; pwd; id -u; echo $HOSTNAME']);
    expect(plain.stdout).toBe('hello\n/root\n0\nengine-test\n');
    const flagged = await exec([
      '-e',
      'GREETING=bye',
      '-e',
      'EXTRA=1',
      '-w',
      '/tmp',
      '-u',
      '1000:1000',
      'web',
      'sh',
      '-c',
      'echo $GREETING $EXTRA; pwd; id -u; id -g',
    ]);
    expect(flagged.stderr).toBe('');
    expect(flagged.stdout).toBe('bye 1\n/tmp\n1000\n1000\n');
    const named = await exec(['-u', 'root', 'web', 'id', '-un']);
    expect(named.stdout).toBe('root\n');
  });

  it("exits with the process's code: its own, 127 not found, 126 not executable", async () => {
    expect((await exec(['web', 'sh', '-c', 'exit 3'])).code).toBe(3);
    const notFound = await exec(['web', 'no-such-command']);
    expect(notFound.code).toBe(127);
    expect(notFound.stderr).toMatch(/"no-such-command": executable file not found in \$PATH/);
    const notExecutable = await exec(['web', '/etc/passwd']);
    expect(notExecutable.code).toBe(126);
    expect(notExecutable.stderr).toMatch(/permission denied/);
    const badUser = await exec(['-u', 'nobody', 'web', 'id']);
    expect(badUser.code).toBe(1);
    expect(badUser.stderr).toMatch(/--user: no user "nobody"/);
  });

  it('-i gives the process our stdin; without -i it reads nothing', async () => {
    expect((await exec(['-i', 'web', 'cat'], 'piped in\n')).stdout).toBe('piped in\n');
    expect((await exec(['web', 'cat'], 'piped in\n')).stdout).toBe('');
  });

  it('-d exits 0 at once and leaves the process running', async () => {
    const started = Date.now();
    const r = await exec(['-d', 'web', 'sh', '-c', 'sleep 1; echo done > /tmp/detached']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(1000 + 2000);
    expect(existsSync(join(web.rootfs, 'tmp/detached'))).toBe(false);
    await until(() => existsSync(join(web.rootfs, 'tmp/detached')), 'the detached process writing');
    expect(readFileSync(join(web.rootfs, 'tmp/detached'), 'utf8')).toBe('done\n');
  });

  it('-dt gives the detached process a pty, held open until it exits', async () => {
    const before = ptyHolders();
    const r = await exec(['-dt', 'web', 'sh', '-c', 'tty > /tmp/dt.tty; sleep 1; echo after > /tmp/dt.after']);
    expect(r.code).toBe(0);
    expect(ptyHolders().filter((p) => !before.includes(p))).toHaveLength(1);
    await until(() => existsSync(join(web.rootfs, 'tmp/dt.after')), 'the detached process outliving gocontainer');
    expect(readFileSync(join(web.rootfs, 'tmp/dt.tty'), 'utf8')).toMatch(/^\/dev\/pts\/\d+\n$/);
    // The holder of its pty ends with it.
    await until(() => ptyHolders().filter((p) => !before.includes(p)).length === 0, 'the pty holder ending');
  });

  it('finds the container by ID and ID prefix too', async () => {
    expect((await exec([web.record.id, 'true'])).code).toBe(0);
    expect((await exec([web.record.id.slice(0, 8), 'true'])).code).toBe(0);
  });

  it('refuses a stopped container, and a missing command, in words', async () => {
    const other = await startEngineContainer(data.store, 'exec sleep 1000', { name: 'gone' });
    await other.stop();
    try {
      const r = await exec(['gone', 'true']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`gocontainer: container ${other.record.id} is not running\n`);
    } finally {
      await other.remove();
    }
    const noTerminal = await exec(['-it', 'web', 'sh'], '');
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toMatch(/the input device is not a TTY/);
    const withTty = await exec(['-t', 'web', 'sh', '-c', 'tty; exit 4']);
    expect(withTty.code).toBe(4);
    expect(withTty.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
    const missing = await exec(['web']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/exec: requires at least 2 arguments/);
  });
});
