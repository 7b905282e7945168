import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer, hostMounts, processesMatching, start } from '../../test-support/gocontainer.js';
import { loadTestImages } from '../../test-support/test-images.js';
import { hasTmux, openTmux, type TmuxPane } from '../../test-support/tmux.js';

const IMAGE = 'localhost/gc-e2e-busybox:1';
const HIERARCHIES = ['memory', 'pids', 'unified', 'cpu', 'cpuacct', 'freezer'].map(
  (h) => `/sys/fs/cgroup/${h}/gocontainer`,
);

/** Is `pid` running with start time `start` (`/proc/PID/stat` field 22; a zombie is not running)? */
function runs(pid: number, start: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return f[0] !== 'Z' && Number(f[19]) === start;
  } catch {
    return false;
  }
}

async function until<T>(what: string, get: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Inspected {
  Id: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number };
}

interface StateFile {
  pid: number;
  pidStart: number;
  monitorPid: number;
  monitorStart: number;
}

/**
 * The Docker flows of a detached container, as a user types them: real
 * `run -d` containers of a loaded busybox image, under gc-monitor, driven
 * only through the built `gocontainer` binary (and tmux for the terminal).
 * Each test removes its containers and checks nothing of them is left.
 */
describe.skipIf(!canRunIntegration())(
  'Docker flows on run -d containers (integration, root)',
  { timeout: 60_000 },
  () => {
    let dirs: string;
    let runRoot: string;
    let dataRoot: string;
    /** Containers of the running test: [id, its init's and monitor's pid + start time]. */
    const made: { id: string; state: StateFile }[] = [];
    const gc = (args: string[], input?: string) =>
      gocontainer(['--root', runRoot, '--data-root', dataRoot, ...args], input === undefined ? {} : { input });
    /**
     * Docker's `exec`, as a Docker user types it: without `--root`, the
     * runtime's flag that makes `exec` runc's (engines pass it).
     */
    const exec = (args: string[]) => gocontainer(['--data-root', dataRoot, 'exec', ...args]);
    const dirOf = (id: string) => join(dataRoot, 'engine', 'containers', id);
    const stateOf = (id: string) => JSON.parse(readFileSync(join(dirOf(id), 'state.json'), 'utf8')) as StateFile;
    const inspect = async (ref: string) => {
      const r = await gc(['inspect', ref]);
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as Inspected[])[0] as Inspected;
    };
    const runDetached = async (args: string[]) => {
      const r = await gc(['run', '-d', ...args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const id = r.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      made.push({ id, state: stateOf(id) });
      return id;
    };
    /** The row of `ps -a --format json` for `name`. */
    const psRow = async (name: string) => {
      const r = await gc(['ps', '-a', '--format', 'json']);
      expect(r.stderr).toBe('');
      const rows = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { Names: string; State: string; Status: string });
      return rows.find((row) => row.Names === name);
    };
    /** Nothing of a container is left: no process, cgroup, mount, run dir, container dir. */
    const nothingLeftOf = (id: string, s: StateFile) => {
      expect(runs(s.pid, s.pidStart)).toBe(false);
      expect(runs(s.monitorPid, s.monitorStart)).toBe(false);
      expect(processesMatching(id)).toEqual([]);
      for (const h of HIERARCHIES) expect(existsSync(join(h, id))).toBe(false);
      expect(hostMounts().filter((m) => m.includes(id))).toEqual([]);
      expect(existsSync(join(runRoot, id))).toBe(false);
      expect(existsSync(dirOf(id))).toBe(false);
    };

    beforeAll(async () => {
      dirs = mkdtempSync(join(tmpdir(), 'gc-flow-'));
      runRoot = join(dirs, 'run');
      dataRoot = join(dirs, 'data');
      const images = await loadTestImages();
      const loaded = await gc(['load', '-i', images.busyboxDocker]);
      expect(loaded.code).toBe(0);
    });
    afterEach(async () => {
      // Every container of the test goes, as a user removes it; then nothing of it may be left.
      for (const { id, state } of made.splice(0)) {
        if (existsSync(dirOf(id))) expect((await gc(['rm', '-f', id])).code).toBe(0);
        nothingLeftOf(id, state);
      }
      expect(readdirSync(join(dataRoot, 'engine', 'containers')).filter((f) => f !== '.lock')).toEqual([]);
      if (existsSync(runRoot)) expect(readdirSync(runRoot)).toEqual([]);
    });
    afterAll(async () => {
      await gc(['rmi', IMAGE]);
      rmSync(dirs, { recursive: true, force: true });
    });

    it('logs -f follows the output while it runs and ends when the container exits', async () => {
      const id = await runDetached([
        '--name',
        'ticker',
        IMAGE,
        'sh',
        '-c',
        'i=0; while [ $i -lt 8 ]; do echo tick-$i; i=$((i+1)); sleep 0.25; done; exit 4',
      ]);
      const follow = start(['--root', runRoot, '--data-root', dataRoot, 'logs', '-f', 'ticker']);
      let out = '';
      const seen: { at: number; text: string }[] = [];
      follow.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        seen.push({ at: Date.now(), text: c.toString() });
      });
      const ended = new Promise<number | null>((r) => follow.on('close', (code) => r(code)));
      // The follower prints the early lines before the last is written: it follows, it does not wait for the end.
      await until('the first line', async () => out.includes('tick-0'));
      expect(out).not.toContain('tick-7');
      const code = await ended;
      expect(code).toBe(0);
      expect(out).toBe(`${Array.from({ length: 8 }, (_, i) => `tick-${i}`).join('\n')}\n`);
      expect(seen.length).toBeGreaterThan(1);
      expect((seen.at(-1)?.at as number) - (seen[0]?.at as number)).toBeGreaterThan(500);
      expect((await inspect(id)).State).toMatchObject({ Status: 'exited', ExitCode: 4 });
    });

    it('stop ends it within the timeout: 137 after -t 1 when SIGTERM is ignored, at once when it is handled', async () => {
      // A shell as pid 1 of its namespace ignores SIGTERM: stop has to kill it.
      await runDetached(['--name', 'stubborn', IMAGE, 'sh', '-c', 'while true; do sleep 0.1; done']);
      let t = Date.now();
      expect(await gc(['stop', '-t', '1', 'stubborn'])).toMatchObject({ code: 0, stdout: 'stubborn\n', stderr: '' });
      let took = Date.now() - t;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(4000);
      expect((await inspect('stubborn')).State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 137 });

      await runDetached(['--name', 'polite', IMAGE, 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
      t = Date.now();
      expect(await gc(['stop', '-t', '10', 'polite'])).toMatchObject({ code: 0, stdout: 'polite\n', stderr: '' });
      took = Date.now() - t;
      expect(took).toBeLessThan(3000);
      expect((await inspect('polite')).State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    });

    it('ps after the CLI exited shows it Up; after kill -9 of its monitor, the truth', async () => {
      const id = await runDetached(['--name', 'orphan', IMAGE, 'sleep', '300']);
      // The CLI that ran it is gone, and so is the starter the monitor ran (no Node process stays per container).
      await until('the starter to end', async () => processesMatching(`__start-container\0${id}`).length === 0, 5000);
      expect(processesMatching(`${id}`)).toEqual([stateOf(id).monitorPid]);
      expect(await psRow('orphan')).toMatchObject({ State: 'running', Status: expect.stringMatching(/^Up /) });
      const s = stateOf(id);
      process.kill(s.monitorPid, 'SIGKILL');
      await until('the monitor to die', async () => !runs(s.monitorPid, s.monitorStart));
      // The container outlived its monitor: it still runs, and ps says so.
      expect(runs(s.pid, s.pidStart)).toBe(true);
      expect(await psRow('orphan')).toMatchObject({ State: 'running', Status: expect.stringMatching(/^Up /) });
      // stop still reaches the init the state file names; nobody is left to record its code: exited, -1.
      const follow = start(['--root', runRoot, '--data-root', dataRoot, 'logs', '-f', 'orphan']);
      const followEnded = new Promise<number | null>((r) => follow.on('close', (code) => r(code)));
      expect(await gc(['stop', '-t', '1', 'orphan'])).toMatchObject({ code: 0, stdout: 'orphan\n', stderr: '' });
      expect(runs(s.pid, s.pidStart)).toBe(false);
      // A follower of its log ends with it, though no monitor tells it so.
      expect(await followEnded).toBe(0);
      const row = await psRow('orphan');
      expect(row?.State).toBe('exited');
      expect(row?.Status).toMatch(/^Exited \(-1\)/);
      expect((await gc(['ps', '-q'])).stdout).toBe('');
    });

    it('rm -f of a running container leaves no process, cgroup, mount, run dir or container dir', async () => {
      const id = await runDetached(['--name', 'doomed', '-m', '32m', IMAGE, 'sleep', '300']);
      const s = stateOf(id);
      expect(runs(s.pid, s.pidStart)).toBe(true);
      expect(HIERARCHIES.some((h) => existsSync(join(h, id)))).toBe(true);
      expect(existsSync(dirOf(id))).toBe(true);
      expect(await gc(['rm', '-f', 'doomed'])).toMatchObject({ code: 0, stdout: 'doomed\n', stderr: '' });
      nothingLeftOf(id, s);
      // One its monitor keeps restarting, caught between two lives or in one.
      const flapping = await runDetached(['--restart', 'always', IMAGE, 'sh', '-c', 'sleep 0.2; exit 1']);
      const first = stateOf(flapping);
      await until('a restart', async () => (await inspect(flapping)).RestartCount >= 2);
      const last = stateOf(flapping);
      expect(last.monitorPid).toBe(first.monitorPid);
      expect(await gc(['rm', '-f', flapping])).toMatchObject({ code: 0, stderr: '' });
      nothingLeftOf(flapping, last);
      expect((await gc(['ps', '-a', '-q'])).stdout).toBe('');
    });

    it('--restart on-failure:3 restarts three times, then stays exited with the code', async () => {
      const id = await runDetached([
        '--name',
        'flaky',
        '--restart',
        'on-failure:3',
        IMAGE,
        'sh',
        '-c',
        'echo try; exit 3',
      ]);
      const done = await until('the last exit', async () => {
        const i = await inspect(id);
        return i.State.Status === 'exited' && i.RestartCount === 3 && i;
      });
      expect(done.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 3 });
      expect((await gc(['logs', 'flaky'])).stdout).toBe('try\ntry\ntry\ntry\n');
      // No fourth restart comes later.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await inspect(id)).toMatchObject({ RestartCount: 3, State: { Status: 'exited', ExitCode: 3 } });
      expect(await psRow('flaky')).toMatchObject({ Status: expect.stringMatching(/^Exited \(3\)/) });
    });

    it('stats --no-stream shows the memory limit set with -m', async () => {
      const id = await runDetached(['--name', 'capped', '-m', '64m', IMAGE, 'sleep', '300']);
      const r = await gc(['stats', '--no-stream']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const row = r.stdout.split('\n').find((l) => l.startsWith(id.slice(0, 12)));
      expect(row).toMatch(/^\w{12}\s+capped\s+\d+\.\d\d%\s+[\d.]+[KMG]?i?B \/ 64MiB\s+/);
      const json = await gc(['stats', '--no-stream', '--format', 'json', 'capped']);
      expect(JSON.parse(json.stdout.trim().split('\n')[0] as string)).toMatchObject({
        Name: 'capped',
        MemUsage: expect.stringMatching(/ \/ 64MiB$/),
      });
    });

    it('cp refuses a symlink escape: it reads the container file and writes into the container', async () => {
      const host = join(dirs, 'host');
      mkdirSync(host);
      const secret = join(host, 'passwd');
      writeFileSync(secret, 'host-secret\n');
      await runDetached(['--name', 'box', IMAGE, 'sleep', '300']);
      // A process in the container makes a link to a host-like path, and a file at that path of its own.
      const made = await exec([
        'box',
        'sh',
        '-c',
        `mkdir -p ${host} && echo container-file > ${secret} && ln -s ${secret} /link && ln -s ${host} /dir`,
      ]);
      expect(made).toMatchObject({ code: 0, stderr: '' });
      const out = join(dirs, 'out');
      expect(await gc(['cp', '-L', 'box:/link', out])).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(out, 'utf8')).toBe('container-file\n');
      expect(await gc(['cp', 'box:/dir/passwd', `${out}2`])).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(`${out}2`, 'utf8')).toBe('container-file\n');
      // Writing through the links lands inside the container; the host's file keeps its contents.
      const payload = join(dirs, 'payload');
      writeFileSync(payload, 'payload\n');
      expect(await gc(['cp', payload, 'box:/dir/passwd'])).toMatchObject({ code: 0, stderr: '' });
      expect(await gc(['cp', payload, 'box:/dir/new-file'])).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(secret, 'utf8')).toBe('host-secret\n');
      expect(existsSync(join(host, 'new-file'))).toBe(false);
      const inside = await exec(['box', 'cat', secret, `${host}/new-file`]);
      expect(inside).toMatchObject({ code: 0, stdout: 'payload\npayload\n' });
    });

    /** The ID of the container `name`, for the cleanup's checks. */
    const keep = async (name: string) => {
      const id = (await inspect(name)).Id;
      made.push({ id, state: stateOf(id) });
      return id;
    };

    it('run --name in the foreground: its output and code, then kept for ps -a, logs and rm', async () => {
      const r = await gc(['run', '--name', 'once', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
      await keep('once');
      expect(await psRow('once')).toMatchObject({ State: 'exited', Status: expect.stringMatching(/^Exited \(3\)/) });
      const logs = await gc(['logs', 'once']);
      expect(logs).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
      // -i: our stdin reaches it, and its end ends cat. Without a terminal the detach keys are data (Docker's rule).
      expect(await gc(['run', '-i', '--name', 'cat', IMAGE, 'cat'], 'line one\x10\x11\nline two\n')).toMatchObject({
        code: 0,
        stdout: 'line one\x10\x11\nline two\n',
      });
      await keep('cat');
      // Started again, it runs the same command (start -a prints its output). Without --root, which makes
      // `start` runc's, as Docker users type it.
      expect(await gocontainer(['--data-root', dataRoot, 'start', '-a', 'once'])).toMatchObject({
        code: 3,
        stdout: 'out\n',
      });
    });

    it("attach passes SIGTERM on to the container (Docker's --sig-proxy), and exits with its code", async () => {
      const id = await runDetached([
        '--name',
        'attached',
        IMAGE,
        'sh',
        '-c',
        'trap "echo got-term; exit 9" TERM; echo ready; while true; do sleep 0.1; done',
      ]);
      await until('the container to run', async () => (await gc(['logs', 'attached'])).stdout.includes('ready'));
      const child = start(['--root', runRoot, '--data-root', dataRoot, 'attach', 'attached']);
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      // Attached once its socket answers: a moment, then the signal.
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      expect(await code).toBe(9);
      expect(out).toBe('got-term\n');
      await until('the exit', async () => (await inspect(id)).State.Status === 'exited');
      expect((await inspect(id)).State.ExitCode).toBe(9);
    });

    it('--sig-proxy=false: a signal ends run or attach (128 + its number), and the container runs on', async () => {
      const script = 'trap "echo got-term; exit 9" TERM; echo ready; while true; do sleep 0.1; done';
      const child = start([
        '--root',
        runRoot,
        '--data-root',
        dataRoot,
        'run',
        '--sig-proxy=false',
        IMAGE,
        'sh',
        '-c',
        script,
      ]);
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      await until('its output', async () => out.includes('ready'));
      child.kill('SIGTERM');
      expect(await code).toBe(143);
      // Kept (a run that outlives us must be), and still running: the signal was not passed on.
      const listed = await gc(['ps', '-q', '--no-trunc']);
      const [id] = listed.stdout.trim().split('\n');
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      made.push({ id: id as string, state: stateOf(id as string) });
      expect((await inspect(id as string)).State.Status).toBe('running');
      expect(out).toBe('ready\n');
      // attach --sig-proxy=false leaves it the same way; with the default, the signal reaches it.
      const attached = start(['--root', runRoot, '--data-root', dataRoot, 'attach', '--sig-proxy=false', id as string]);
      const left = new Promise<number | null>((r) => attached.on('close', (c) => r(c)));
      await new Promise((r) => setTimeout(r, 500));
      attached.kill('SIGINT');
      expect(await left).toBe(130);
      expect((await inspect(id as string)).State.Status).toBe('running');
      const proxied = start(['--root', runRoot, '--data-root', dataRoot, 'attach', id as string]);
      const ended = new Promise<number | null>((r) => proxied.on('close', (c) => r(c)));
      await new Promise((r) => setTimeout(r, 500));
      proxied.kill('SIGTERM');
      expect(await ended).toBe(9);
      await until('the exit', async () => (await inspect(id as string)).State.Status === 'exited');
    });

    it('cp from and into a stopped container: what it wrote, and what its next start reads', async () => {
      const made1 = await gc(['run', '--name', 'builder', IMAGE, 'sh', '-c', 'mkdir /out && echo artifact > /out/a']);
      expect(made1.code).toBe(0);
      await keep('builder');
      const out = join(dirs, 'from-stopped');
      expect(await gc(['cp', 'builder:/out', out])).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(join(out, 'a'), 'utf8')).toBe('artifact\n');
      // ps -s: what it wrote (/out/a, 9 bytes, and nothing else), then with its image.
      const sized = await gc(['ps', '-a', '-s', '--filter', 'name=builder', '--format', '{{.Size}}']);
      expect(sized.stdout).toMatch(/^9B \(virtual \d+(\.\d+)?[kM]B\)\n$/);
      // A symlink the container left pointing out of its root names its own file, never the host's.
      expect(
        (await gc(['run', '--name', 'linker', IMAGE, 'sh', '-c', 'echo mine > /etc/mine; ln -s /etc/mine /link'])).code,
      ).toBe(0);
      await keep('linker');
      expect((await gc(['cp', '-L', 'linker:/link', join(dirs, 'followed')])).code).toBe(0);
      expect(readFileSync(join(dirs, 'followed'), 'utf8')).toBe('mine\n');

      expect((await gc(['run', '--name', 'reader', IMAGE, 'sh', '-c', 'cat /x 2>/dev/null || echo none'])).stdout).toBe(
        'none\n',
      );
      await keep('reader');
      writeFileSync(join(dirs, 'x'), 'copied in\n');
      expect(await gc(['cp', join(dirs, 'x'), 'reader:/x'])).toMatchObject({ code: 0, stderr: '' });
      expect(await gocontainer(['--data-root', dataRoot, 'start', '-a', 'reader'])).toMatchObject({
        code: 0,
        stdout: 'copied in\n',
      });
      // The detached mount was never on the host.
      expect(hostMounts().filter((m) => m.includes('reader') || m.includes('builder'))).toEqual([]);
    });

    it('run --name --rm leaves nothing; a command that is not there is 127, and leaves nothing', async () => {
      expect(await gc(['run', '--rm', '--name', 'brief', IMAGE, 'echo', 'brief'])).toMatchObject({
        code: 0,
        stdout: 'brief\n',
      });
      expect(await psRow('brief')).toBeUndefined();
      const missing = await gc(['run', '--name', 'missing', IMAGE, 'nosuchcommand']);
      expect(missing.code).toBe(127);
      expect(missing.stderr).toContain('nosuchcommand');
      expect(await psRow('missing')).toBeUndefined();
      expect((await gc(['ps', '-a', '-q'])).stdout).toBe('');
    });

    it('run --name passes SIGTERM on to the container, and exits with its code', async () => {
      const child = start([
        '--root',
        runRoot,
        '--data-root',
        dataRoot,
        'run',
        '--name',
        'proxied',
        IMAGE,
        'sh',
        '-c',
        'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done',
      ]);
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      await until('the container to run', async () => out.includes('ready'));
      await keep('proxied');
      child.kill('SIGTERM');
      expect(await code).toBe(7);
      expect(out).toBe('ready\ngot-term\n');
      expect((await inspect('proxied')).State).toMatchObject({ Status: 'exited', ExitCode: 7 });
    });

    describe.skipIf(!hasTmux)('in a terminal (tmux)', () => {
      let runsOf = 0;
      /** A host shell in tmux running `gocontainer ARGS`; `ended()` gives its exit code, and checks the terminal is as it was. */
      async function hostShell(
        args: string,
        global = `--root ${runRoot} --data-root ${dataRoot}`,
      ): Promise<{ pane: TmuxPane; ended: () => Promise<number> }> {
        const n = runsOf++;
        const file = (what: string) => join(dirs, `tty-${n}.${what}`);
        const pane = openTmux(
          'env -i PATH=/usr/bin:/bin TERM=xterm PS1="host$ " /bin/bash --norc --noprofile',
          100,
          30,
          `gc-flow-${process.pid}`,
        );
        await pane.until((s) => s.includes('host$'), 'the host shell prompt');
        pane.type(
          `stty -g > ${file('before')}; ${process.execPath} ${GOCONTAINER} ${global} ${args}; ` +
            `echo $? > ${file('code')}; stty -g > ${file('after')}`,
        );
        return {
          pane,
          ended: async () => {
            await pane.until(() => existsSync(file('after')) && readFileSync(file('after'), 'utf8') !== '', 'the end');
            expect(readFileSync(file('after'), 'utf8')).toBe(readFileSync(file('before'), 'utf8'));
            return Number(readFileSync(file('code'), 'utf8'));
          },
        };
      }

      /** `attach REF` in a host shell, then `exit CODE` typed in the container's shell: gocontainer exits with CODE. */
      async function exitThroughAttach(ref: string, code: number): Promise<void> {
        const { pane, ended } = await hostShell(`attach ${ref}`);
        try {
          // The shell's prompt was written before anyone attached: Enter brings a new one.
          await new Promise((r) => setTimeout(r, 300));
          pane.send('Enter');
          pane.type(`exit ${code}`);
          expect(await ended()).toBe(code);
        } finally {
          pane.kill();
        }
      }

      it('exec -it into it gets a shell on a pty', async () => {
        await runDetached(['--name', 'web', IMAGE, 'sleep', '300']);
        const { pane, ended } = await hostShell('exec -it web sh', `--data-root ${dataRoot}`);
        try {
          await pane.until((s) => /#\s*$/m.test(s), 'the container prompt');
          pane.type('echo $((6*7)) $(tty) $(hostname)');
          await pane.until((s) => /^42 \/dev\/pts\/\d+ \w+$/m.test(s), 'the answer from the pty');
          // The shell is in the container's pid namespace: the container's init is pid 1.
          pane.type('ps -o pid,args');
          await pane.until((s) => /^\s*1 sleep 300\s*$/m.test(s), 'the container init as pid 1');
          pane.type('exit 6');
          expect(await ended()).toBe(6);
        } finally {
          pane.kill();
        }
        expect((await inspect('web')).State.Running).toBe(true);
      });

      it('run -it --name: the first prompt is there, Ctrl-P Ctrl-Q detaches leaving it running', async () => {
        const first = await hostShell(`run -it --name fgterm ${IMAGE} sh`);
        try {
          // Attached before it started: the shell's first prompt is not lost (no Enter needed).
          await first.pane.until((s) => /^\/ #\s*$/m.test(s), 'the first prompt');
          first.pane.type('echo fg-$((2+2)) $(tty)');
          await first.pane.until((s) => /^fg-4 \/dev\/pts\/\d+\r?$/m.test(s), 'the answer from its pty');
          first.pane.send('C-p', 'C-q');
          await first.pane.until((s) => s.includes('read escape sequence'), 'the detach');
          expect(await first.ended()).toBe(0);
        } finally {
          first.pane.kill();
        }
        const id = await keep('fgterm');
        expect((await inspect(id)).State).toMatchObject({ Status: 'running', Running: true });
        await exitThroughAttach('fgterm', 5);
        await until('the exit', async () => (await inspect(id)).State.Status === 'exited');
      });

      it('run -it --rm IMAGE: Ctrl-P Ctrl-Q detaches as from docker run; exit after attach removes it', async () => {
        const first = await hostShell(`run -it --rm ${IMAGE} sh`);
        try {
          await first.pane.until((s) => /^\/ #\s*$/m.test(s), 'the first prompt');
          first.pane.send('C-p', 'C-q');
          await first.pane.until((s) => s.includes('read escape sequence'), 'the detach');
          expect(await first.ended()).toBe(0);
        } finally {
          first.pane.kill();
        }
        const ids = (await gc(['ps', '-q', '--no-trunc'])).stdout.trim().split('\n');
        expect(ids).toHaveLength(1);
        const id = ids[0] as string;
        made.push({ id, state: stateOf(id) });
        await exitThroughAttach(id.slice(0, 12), 2);
        await until('its removal (--rm)', async () => !existsSync(dirOf(id)));
      });

      it('run -dit, attach, Ctrl-P Ctrl-Q detaches leaving it running; attach again, exit 3 gives 3', async () => {
        const id = await runDetached(['-dit', '--name', 'term', IMAGE, 'sh']);
        const first = await hostShell('attach term');
        try {
          // The shell's prompt was written before anyone attached: Enter brings a new one.
          await new Promise((r) => setTimeout(r, 300));
          first.pane.send('Enter');
          first.pane.type('echo one-$((1+1))');
          await first.pane.until((s) => /^one-2\r?$/m.test(s), 'the answer through attach');
          first.pane.send('C-p', 'C-q');
          await first.pane.until((s) => s.includes('read escape sequence'), 'the detach');
          expect(await first.ended()).toBe(0);
        } finally {
          first.pane.kill();
        }
        expect((await inspect(id)).State).toMatchObject({ Status: 'running', Running: true });
        expect(await psRow('term')).toMatchObject({ State: 'running' });
        const second = await hostShell('attach term');
        try {
          await new Promise((r) => setTimeout(r, 300));
          second.pane.send('Enter');
          second.pane.type('echo two-$((1+1))');
          await second.pane.until((s) => /^two-2\r?$/m.test(s), 'the answer through the second attach');
          second.pane.type('exit 3');
          expect(await second.ended()).toBe(3);
        } finally {
          second.pane.kill();
        }
        await until('the exit', async () => (await inspect(id)).State.Status === 'exited');
        expect((await inspect(id)).State.ExitCode).toBe(3);
      });
    });
  },
);
