import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContainerStore, createContainerStore, ZERO_TIME } from '@gc/engine';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EngineContainer, startEngineContainer } from '../../test-support/engine-container.js';
import { finish, gocontainer, start } from '../../test-support/gocontainer.js';
import { cgroupGone } from '../../test-support/recorded-container.js';

const LOOP = 'while :; do usleep 20000; done';
const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

describe.skipIf(!canRunIntegration())(
  'Docker container commands on real containers (integration, root)',
  { timeout: 60_000 },
  () => {
    let dataRoot: string;
    let store: ContainerStore;
    const started: EngineContainer[] = [];
    const gc = (...args: string[]) => gocontainer(['--data-root', dataRoot, ...args]);
    const run = async (
      name: string,
      script: string,
      config?: { stopSignal?: string; stopTimeout?: number },
      options?: { log?: boolean },
    ) => {
      const c = await startEngineContainer(store, name, script, config, options);
      started.push(c);
      return c;
    };

    beforeAll(() => {
      dataRoot = mkdtempSync(join(tmpdir(), 'gc-engine-cmds-'));
      store = createContainerStore({ dataRoot });
    });
    afterEach(async () => {
      for (const c of started.splice(0)) {
        await c.stop();
        expect(cgroupGone(`/gocontainer/${c.record.id}`)).toBe(true);
      }
      for (const r of store.list()) store.remove(r.id);
    });
    afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

    it('stop: SIGTERM, and the container ends within the timeout with its own code; ps and inspect show it', async () => {
      const c = await run('polite', `trap 'exit 3' TERM; ${LOOP}`);
      const ps = await gc('ps');
      expect(ps.stdout).toMatch(/^CONTAINER ID {3}IMAGE {4,}COMMAND {3,}CREATED {3,}STATUS {3,}PORTS {5}NAMES\n/);
      expect(ps.stdout).toMatch(
        new RegExp(`^${c.record.id.slice(0, 12)} +<none> +"/bin/sh -c trap 'ex…" +.* ago +Up .* +polite\\n`, 'm'),
      );
      const t0 = Date.now();
      const stopped = await gc('stop', '-t', '10', 'polite');
      expect(stopped).toMatchObject({ code: 0, stdout: 'polite\n', stderr: '' });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(await c.recorded).toBe(3);
      expect(alive(c.pid)).toBe(false);
      expect(existsSync(join(store.dir(c.record.id), 'stop-requested'))).toBe(true);
      expect((await gc('ps', '-q')).stdout).toBe('');
      expect((await gc('ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}')).stdout).toMatch(
        /^polite exited Exited \(3\) (Less than a second|\d+ seconds?) ago\n$/,
      );
      expect((await gc('wait', 'polite')).stdout).toBe('3\n');
      const [info] = JSON.parse((await gc('inspect', 'polite')).stdout);
      expect(info).toMatchObject({
        Id: c.record.id,
        Name: '/polite',
        Path: '/bin/sh',
        State: { Status: 'exited', Running: false, ExitCode: 3, Pid: 0 },
      });
    });

    it('stop: containers that ignore SIGTERM are SIGKILLed after -t seconds (137), all at once', async () => {
      const a = await run('stubborn', `trap '' TERM; ${LOOP}`);
      const b = await run('mulish', `trap '' TERM; ${LOOP}`);
      const t0 = Date.now();
      const stopped = await gc('stop', '-t', '1', a.record.id.slice(0, 10), 'mulish');
      const took = Date.now() - t0;
      expect(stopped).toMatchObject({ code: 0, stdout: `${a.record.id.slice(0, 10)}\nmulish\n` });
      expect(took).toBeGreaterThanOrEqual(1000);
      // One after the other would take two timeouts.
      expect(took).toBeLessThan(2000);
      expect(await a.recorded).toBe(137);
      expect(await b.recorded).toBe(137);
    });

    it("stop uses the container's stop signal", async () => {
      const c = await run('hup', `trap 'exit 5' HUP; ${LOOP}`, { stopSignal: 'SIGHUP' });
      expect((await gc('stop', 'hup')).code).toBe(0);
      expect(await c.recorded).toBe(5);
    });

    it('kill: -s by name or number, through dist/lifecycle.cjs; a stopped container is an error', async () => {
      const a = await run('usr1', `trap 'exit 7' USR1; ${LOOP}`);
      const b = await run('term', `trap 'exit 9' TERM; ${LOOP}`);
      const r = await gc('kill', '-s', 'USR1', 'usr1');
      expect(r).toMatchObject({ code: 0, stdout: 'usr1\n', stderr: '' });
      expect(await a.recorded).toBe(7);
      expect((await gc('kill', '--signal=15', 'term')).code).toBe(0);
      expect(await b.recorded).toBe(9);
      const again = await gc('kill', 'usr1');
      expect(again.code).toBe(1);
      expect(again.stderr).toBe('gocontainer: kill: container usr1 is not running\n');
      expect((await gc('kill', '-s', 'NOPE', 'usr1')).stderr).toMatch(/--signal: expected a signal name/);
    });

    it('kill with no -s sends SIGKILL; several containers, one line each, exit 1 if any failed', async () => {
      const a = await run('one', LOOP);
      const b = await run('two', LOOP);
      const r = await gc('kill', 'one', 'nosuch', 'two');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('one\ntwo\n');
      expect(r.stderr).toBe('gocontainer: kill: No such container: nosuch (it does not exist)\n');
      expect(await a.recorded).toBe(137);
      expect(await b.recorded).toBe(137);
    });

    it('rm refuses a running container without -f, naming it; rm -f kills it and removes directory and cgroup', async () => {
      const c = await run('doomed', LOOP);
      const refused = await gc('rm', 'doomed');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'container is running: stop the container before removing or force remove (-f, --force)',
      );
      expect(alive(c.pid)).toBe(true);
      const r = await gc('rm', '-f', '-v', 'doomed');
      expect(r).toMatchObject({ code: 0, stdout: 'doomed\n', stderr: '' });
      expect(await c.recorded).toBe(137);
      expect(alive(c.pid)).toBe(false);
      expect(existsSync(store.dir(c.record.id))).toBe(false);
      expect(cgroupGone(`/gocontainer/${c.record.id}`)).toBe(true);
      expect((await gc('ps', '-a', '-q')).stdout).toBe('');
      expect((await gc('rm', 'doomed')).stderr).toBe(
        'gocontainer: rm: No such container: doomed (it does not exist)\n',
      );
    });

    it('wait prints each exit code once the containers end', async () => {
      const a = await run('w1', 'usleep 300000; exit 4');
      const b = await run('w2', 'usleep 100000; exit 0');
      const r = await gc('wait', 'w1', 'w2');
      expect(r).toMatchObject({ code: 0, stdout: '4\n0\n' });
      expect(await a.recorded).toBe(4);
      expect(await b.recorded).toBe(0);
    });

    it('a killed monitor: ps shows the truth once the init is gone too (exited, code unknown)', async () => {
      const c = await run('orphan', LOOP);
      c.monitor.kill('SIGKILL');
      await new Promise((r) => c.monitor.once('exit', r));
      expect((await gc('ps', '--format', '{{.Names}} {{.State}}')).stdout).toBe('orphan running\n');
      c.container.kill('SIGKILL');
      await c.recorded;
      // The harness wrote the exit; a monitor killed first would not have: put the running state back.
      const file = store.readState(c.record.id);
      store.writeState(c.record.id, {
        ...(file as NonNullable<typeof file>),
        status: 'running',
        exitCode: 0,
        finishedAt: ZERO_TIME,
      });
      expect((await gc('ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}')).stdout).toBe(
        'orphan exited Exited (-1)\n',
      );
      expect((await gc('wait', 'orphan')).stdout).toBe('-1\n');
    });

    it("top lists the processes of the container's cgroup", async () => {
      const c = await run('busy', 'usleep 5000000 & usleep 6000000 & wait');
      await new Promise((r) => setTimeout(r, 200));
      const r = await gc('top', 'busy');
      expect(r.code, r.stderr).toBe(0);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      expect(header?.split(/\s+/)).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
      const pids = rows.map((l) => Number(l.split(/\s+/)[1]));
      expect(pids).toContain(c.pid);
      // The two children of the init (busybox runs usleep inside the forked shell: its CMD is the shell's).
      expect(
        rows.filter((l) => Number(l.split(/\s+/)[2]) === c.pid),
        r.stdout,
      ).toHaveLength(2);
      expect(rows[0]).toMatch(/ \/bin\/sh -c usleep 5000000 & usleep 6000000 & wait$/);
      expect(rows).toHaveLength(3);
      const [info] = JSON.parse((await gc('container', 'inspect', 'busy')).stdout);
      expect(info.State).toMatchObject({ Status: 'running', Running: true, Paused: false, Pid: c.pid, ExitCode: 0 });
      expect(info.LogPath).toBe(store.logPath(c.record.id));
      const custom = await gc('top', 'busy', '-o', 'pid,comm');
      expect(custom.stdout.split('\n')[0]?.trim().split(/\s+/)).toEqual(['PID', 'COMMAND']);
    });

    it('pause freezes the container (ps: Paused), unpause thaws it; stop of a paused one works', async () => {
      const c = await run('frozen', `trap 'exit 2' TERM; ${LOOP}`);
      const ticks = () => Number(readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[11]);
      expect((await gc('pause', 'frozen')).stdout).toBe('frozen\n');
      expect((await gc('ps', '--format', '{{.State}} {{.Status}}')).stdout).toMatch(/^paused Up .* \(Paused\)\n$/);
      expect((await gc('pause', 'frozen')).stderr).toBe('gocontainer: pause: container frozen is already paused\n');
      const before = ticks();
      await new Promise((r) => setTimeout(r, 300));
      expect(ticks()).toBe(before);
      expect((await gc('unpause', 'frozen')).stdout).toBe('frozen\n');
      expect((await gc('ps', '--format', '{{.State}}')).stdout).toBe('running\n');
      expect((await gc('unpause', 'frozen')).stderr).toBe('gocontainer: unpause: container frozen is not paused\n');
      await gc('pause', 'frozen');
      const stopped = await gc('stop', '-t', '5', 'frozen');
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await c.recorded).toBe(2);
    });

    it('logs -f follows the output of a running container until it exits; then logs shows it all', async () => {
      const c = await run(
        'chatty',
        'echo one; usleep 400000; echo two >&2; usleep 400000; echo three; printf last',
        {},
        { log: true },
      );
      const follower = start(['--data-root', dataRoot, 'logs', '-f', '-t', 'chatty']);
      const followed = await finish(follower, 20_000);
      expect(await c.recorded).toBe(0);
      expect(followed.code).toBe(0);
      const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z';
      expect(followed.stdout).toMatch(new RegExp(`^${stamp} one\\n${stamp} three\\n${stamp} last$`));
      expect(followed.stderr).toMatch(new RegExp(`^${stamp} two\\n$`));
      expect(await gc('logs', '--tail', '2', 'chatty')).toMatchObject({ stdout: 'three\nlast', stderr: '' });
    });

    it('container prune removes the stopped ones and says what and how much; rename; ps --filter', async () => {
      const keep = await run('keeper', LOOP);
      const gone = await run('goner', 'usleep 200000; exit 1');
      expect(await gone.recorded).toBe(1);
      expect((await gc('ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}')).stdout).toBe('goner\n');
      expect((await gc('ps', '--filter', 'name=keep', '-q')).stdout).toBe(`${keep.record.id.slice(0, 12)}\n`);
      expect((await gc('rename', 'goner', 'gone2')).code).toBe(0);
      expect((await gc('ps', '-a', '--filter', 'exited=1', '--format', '{{.Names}}')).stdout).toBe('gone2\n');
      const pruned = await gc('container', 'prune', '-f');
      expect(pruned.stdout).toMatch(
        new RegExp(`^Deleted Containers:\\n${gone.record.id}\\n\\nTotal reclaimed space: \\d+(\\.\\d+)?k?B\\n$`),
      );
      expect(store.list().map((r) => r.name)).toEqual(['keeper']);
      expect((await gc('container', 'ls', '--format', '{{.Names}}')).stdout).toBe('keeper\n');
      expect((await gc('ps', '--format', 'table {{.Names}}\\t{{.State}}')).stdout).toBe(
        'NAMES     STATE\nkeeper    running\n',
      );
    });
  },
);
