import {
  type ArenaPtr,
  type OpInfo,
  type Program,
  SCM_RIGHTS,
  SOL_SOCKET,
  TIOCGPTPEER,
  TIOCSCTTY,
  TIOCSPTLCK,
  TIOCSWINSZ,
} from '@gc/syscall';
import { FakeKernel, type FakeOpRecord, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { defaultFilesystem, newNamespaces } from './__fixtures__/confined-spec.js';
import { receiveConsole } from './console.js';
import { planContainer } from './plan-container.js';
import type { Spec } from './spec.js';

function spec(process: Partial<Spec['process']> = {}): Spec {
  const fs = defaultFilesystem();
  return {
    process: { args: ['/bin/sh'], env: ['PATH=/bin'], cwd: '/', ...process },
    root: { path: '/' },
    mounts: fs.mounts,
    linux: { namespaces: newNamespaces() },
  };
}

const MASTER = 40;
const SLAVE = 41;

/** Run the plan on a FakeKernel whose ptmx open gives MASTER and whose TIOCGPTPEER gives SLAVE. */
function run(s: Spec, consoleSocket?: number): { ops: FakeOpRecord[]; socket: number | undefined; program: Program } {
  const kernel = new FakeKernel();
  kernel.onSyscall('openat', ({ args }) => (args[1] === '/dev/pts/ptmx' ? MASTER : 50));
  kernel.onSyscall('ioctl', ({ args }) => (args[1] === TIOCGPTPEER ? SLAVE : 0));
  const plan = planContainer(s, consoleSocket === undefined ? {} : { consoleSocket });
  const socket = plan.program.fds.find((fd) => fd.source === consoleSocket)?.target;
  kernel.spawn(plan.program);
  return { ops: kernel.lastRun?.ops ?? [], socket, program: plan.program };
}

const find = (ops: FakeOpRecord[], pred: (op: FakeOpRecord) => boolean) => {
  const i = ops.findIndex(pred);
  expect(i, 'op not planned').toBeGreaterThanOrEqual(0);
  return i;
};
const named =
  (name: string, ...args: unknown[]) =>
  (op: FakeOpRecord) =>
    op.syscall === name && args.every((a, i) => a === undefined || op.args[i] === a);

describe('the console (process.terminal)', () => {
  it('makes a pty inside the container and sends out only its master', () => {
    const { ops, socket, program } = run(spec({ terminal: true, consoleSize: { height: 30, width: 120 } }), 9);
    expect(socket).toBeGreaterThan(2);
    const pivot = find(ops, named('pivot_root'));
    const setsid = find(ops, named('setsid'));
    const ptmx = find(ops, named('openat', undefined, '/dev/pts/ptmx'));
    const unlock = find(ops, named('ioctl', MASTER, TIOCSPTLCK));
    const peer = find(ops, named('ioctl', MASTER, TIOCGPTPEER));
    const size = find(ops, named('ioctl', SLAVE, TIOCSWINSZ));
    const console = find(ops, (op) => op.syscall === 'move_mount' && op.args[3] === '/dev/console');
    const send = find(ops, named('sendmsg', socket));
    const ctty = find(ops, named('ioctl', SLAVE, TIOCSCTTY));
    const exec = find(ops, (op) => op.kind === 'execvp');
    // In the container's devpts (after the pivot), in a new session, the slave the controlling terminal last.
    expect([pivot, ptmx, unlock, peer, size, console, send, ctty, exec]).toEqual(
      [pivot, ptmx, unlock, peer, size, console, send, ctty, exec].sort((a, b) => a - b),
    );
    expect(setsid).toBeLessThan(ctty);
    expect(setsid).toBeGreaterThan(pivot);

    const winsize = ((ops[size] as FakeOpRecord).args[2] as FakePointer).bytes;
    expect([...new Uint16Array(winsize.buffer, winsize.byteOffset, 2)]).toEqual([30, 120]);

    // The message carries one fd, the master's: SCM_RIGHTS with the fd stored when the op ran.
    const msghdr = ops[send]?.args[1] as FakePointer;
    expect(msghdr.bytes.byteLength).toBe(56);
    const store = ops
      .slice(0, send)
      .reverse()
      .find((op) => op.kind === 'store');
    expect(store?.args[0]).toBe(MASTER);
    const planned = program.ops[send]?.args[1] as ArenaPtr;
    const control =
      planned.item.kind === 'struct' ? planned.item.value.find((f) => f.name === 'msg_control') : undefined;
    const cmsg = (control as { value: ArenaPtr }).value.item;
    expect(cmsg.kind === 'struct' && cmsg.value.map((f) => [f.name, f.value])).toEqual([
      ['cmsg_len', 20],
      ['cmsg_level', SOL_SOCKET],
      ['cmsg_type', SCM_RIGHTS],
      ['cmsg_fd', -1], // the master's fd, stored there by the STORE op
    ]);
    expect(((program.ops[store?.index ?? -1] as OpInfo).args[1] as ArenaPtr).item).toBe(cmsg);

    // The tree of /dev/console is the slave's; 0-2 are the slave; no fd of the master or the socket is left.
    const tree = ops
      .slice(0, console)
      .reverse()
      .find((op) => op.syscall === 'open_tree');
    expect(tree?.args[0]).toBe(SLAVE);
    for (const fd of [0, 1, 2]) find(ops, named('dup3', SLAVE, fd));
    const after = ops.slice(send);
    for (const fd of [MASTER, socket, SLAVE]) expect(after.some(named('close', fd))).toBe(true);
  });

  it('without a terminal: a new session, and no pty', () => {
    const { ops } = run(spec());
    find(ops, named('setsid'));
    expect(ops.some(named('openat', undefined, '/dev/pts/ptmx'))).toBe(false);
    expect(ops.some(named('ioctl', undefined, TIOCSCTTY))).toBe(false);
  });

  it('names the field when the terminal and the console socket do not match', () => {
    expect(() => planContainer(spec({ terminal: true }))).toThrow(/process\.terminal: needs a console socket/);
    expect(() => planContainer(spec(), { consoleSocket: 9 })).toThrow(/process\.terminal: is not true/);
    expect(() =>
      planContainer(spec({ terminal: true, consoleSize: { height: -1, width: 80 } }), { consoleSocket: 9 }),
    ).toThrow(/process\.consoleSize\.height: expected an integer from 0 to 65535, got -1/);
  });
});

describe('receiveConsole', () => {
  it('fails with a ContainerStartError when no fd came', () => {
    const kernel = new FakeKernel();
    expect(() => receiveConsole(kernel, 5)).toThrow(/sent no pty master/);
    expect(kernel.callsOf('recvFds')).toEqual([{ socket: 5, maxFds: 1, maxData: 4096 }]);
  });
});
