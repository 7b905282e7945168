import { describe, expect, it } from 'vitest';
import { CLONE_NEWNS, CLONE_NEWUSER, CLONE_PARENT, CLONE_VM, MS_BIND, MS_REC } from '../constants.js';
import { GcError } from '../errors.js';
import { buildContainerSetup } from './__golden__/container-setup.js';
import { decodeProgram, readArenaString, readArenaU64 } from './decode.js';
import { HEADER, HEADER_SIZE, OP, OP_SIZE, PROGRAM_MAGIC, PROLOGUE_OP_INDEX } from './format.js';
import { Program } from './program.js';

function header(bytes: Uint8Array) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => v.getUint32(at, true);
  return {
    magic: u32(HEADER.magic),
    version: v.getUint16(HEADER.version, true),
    arch: v.getUint16(HEADER.arch, true),
    opCount: u32(HEADER.opCount),
    opsOff: u32(HEADER.opsOff),
    fdCount: u32(HEADER.fdCount),
    fdsOff: u32(HEADER.fdsOff),
    relocCount: u32(HEADER.relocCount),
    relocOff: u32(HEADER.relocOff),
    resultsOff: u32(HEADER.resultsOff),
    arenaOff: u32(HEADER.arenaOff),
    arenaLen: u32(HEADER.arenaLen),
    totalLen: u32(HEADER.totalLen),
  };
}

describe('Program encoding', () => {
  it('writes a header whose sections are 8-aligned, in order and inside total_len', () => {
    const bytes = buildContainerSetup().encode();
    const h = header(bytes);
    expect(h.magic).toBe(PROGRAM_MAGIC);
    expect([...bytes.subarray(0, 4)]).toEqual([0x47, 0x43, 0x50, 0x31]); // "GCP1"
    expect(h.version).toBe(1);
    expect(h.arch).toBe(1);
    expect(h.totalLen).toBe(bytes.length);
    for (const off of [h.opsOff, h.fdsOff, h.relocOff, h.resultsOff, h.arenaOff, h.arenaLen, h.totalLen]) {
      expect(off % 8).toBe(0);
    }
    expect(h.opsOff).toBe(HEADER_SIZE);
    expect(h.fdsOff).toBeGreaterThanOrEqual(h.opsOff + h.opCount * OP_SIZE);
    expect(h.relocOff).toBeGreaterThanOrEqual(h.fdsOff + h.fdCount * 8);
    expect(h.resultsOff).toBeGreaterThanOrEqual(h.relocOff + h.relocCount * 4);
    expect(h.arenaOff).toBeGreaterThanOrEqual(h.resultsOff + h.opCount * 8);
    expect(h.arenaOff + h.arenaLen).toBe(h.totalLen);
    expect(bytes.subarray(h.resultsOff, h.resultsOff + h.opCount * 8).every((b) => b === 0)).toBe(true);
    expect(bytes.subarray(48, 64).every((b) => b === 0)).toBe(true);
  });

  it('lists relocation slots that are aligned u64s holding arena offsets of strings', () => {
    const program = buildContainerSetup();
    const decoded = decodeProgram(program.encode());
    expect(decoded.relocs.length).toBe(6); // argv (3) and envp (3); their NULLs are not relocated
    for (const slot of decoded.relocs) {
      expect(slot % 8).toBe(0);
      const target = Number(readArenaU64(decoded.arena, slot));
      expect(target).toBeLessThan(decoded.arena.length);
      expect(readArenaString(decoded.arena, target)).toBeTypeOf('string');
    }
    const exec = decoded.ops.at(-1);
    const argv = Number(exec?.args[1]?.value);
    expect(
      [0, 1, 2].map((i) => readArenaString(decoded.arena, Number(readArenaU64(decoded.arena, argv + i * 8)))),
    ).toEqual(['sh', '-c', 'echo hello']);
    expect(readArenaU64(decoded.arena, argv + 24)).toBe(0n);
    expect(decoded.relocs).not.toContain(argv + 24);
  });

  it('relocates pointer fields of structs and leaves NULL ones alone', () => {
    const p = new Program({ arch: 'x64' });
    const data = p.bytes(new Uint8Array([1, 2, 3]));
    const iov = p.struct([
      { name: 'iov_base', type: 'ptr', value: data },
      { name: 'iov_len', type: 'u64', value: 3 },
    ]);
    const msg = p.struct([
      { name: 'msg_name', type: 'ptr', value: null },
      { name: 'msg_namelen', type: 'u32', value: 0 },
      { name: 'msg_iov', type: 'ptr', value: iov },
      { name: 'msg_iovlen', type: 'u64', value: 1 },
    ]);
    p.syscall('sendmsg', [p.syncFd, msg, 0], 'send a byte');
    const decoded = decodeProgram(p.encode());
    expect(decoded.relocs).toEqual([iov.offset, msg.offset + 16]);
    expect(readArenaU64(decoded.arena, iov.offset)).toBe(BigInt(data.offset));
    expect(readArenaU64(decoded.arena, msg.offset + 16)).toBe(BigInt(iov.offset));
    expect(decoded.ops[0]?.args.map((a) => a.kind)).toEqual(['syncFd', 'ptr', 'imm']);
  });

  it('round-trips through decodeProgram', () => {
    const program = buildContainerSetup();
    const decoded = Program.decode(program.encode());
    expect(decoded.arch).toBe('x64');
    expect(decoded.fds).toEqual(program.fds);
    expect(decoded.ops).toHaveLength(program.ops.length);
    decoded.ops.forEach((op, i) => {
      const planned = program.ops[i];
      expect(op.kind).toBe(planned?.kind);
      expect(op.nr).toBe(planned?.nr);
      expect(op.syscall).toBe(planned?.syscall);
      expect(op.label).toBe(planned?.label);
      expect(op.pkg).toBe(planned?.pkg);
      expect(op.tolerate).toEqual(planned?.tolerate);
      expect(op.args).toEqual(planned?.encoded);
    });
  });

  it('writes each op field where the format says', () => {
    const p = new Program({ arch: 'arm64' });
    p.syscall('mount', ['proc', '/proc', 'proc', 14, null], 'mount proc on /proc', { tolerate: ['EBUSY', 2] });
    const bytes = p.encode();
    const v = new DataView(bytes.buffer);
    const op = HEADER_SIZE;
    expect(v.getUint16(HEADER.arch, true)).toBe(2);
    expect(v.getUint8(op + OP.kind)).toBe(1);
    expect(v.getUint8(op + OP.nargs)).toBe(5);
    expect(v.getUint8(op + OP.ntol)).toBe(2);
    expect(v.getUint32(op + OP.nr, true)).toBe(40);
    expect(v.getUint32(op + OP.args + 3 * 16, true)).toBe(0); // IMM
    expect(v.getBigInt64(op + OP.args + 3 * 16 + 8, true)).toBe(14n);
    expect(v.getUint32(op + OP.args + 0 * 16, true)).toBe(1); // PTR
    expect(v.getUint16(op + OP.tol, true)).toBe(16);
    expect(v.getUint16(op + OP.tol + 2, true)).toBe(2);
    expect(v.getUint16(op + OP.tol + 4, true)).toBe(0);
    const arena = decodeProgram(bytes).arena;
    expect(readArenaString(arena, v.getUint32(op + OP.labelOff, true))).toBe('mount proc on /proc');
    expect(readArenaString(arena, v.getUint32(op + OP.pkgOff, true))).toBe('@gc/syscall');
  });

  it('encodes bigints above 2^63 and negative numbers as two’s complement i64', () => {
    const p = new Program({ arch: 'x64' });
    p.syscall('unshare', [0xffffffffffffffffn], 'all ones');
    p.syscall('mkdirat', [-100, '/x', 0o755], 'mkdir /x');
    const ops = decodeProgram(p.encode()).ops;
    expect(ops[0]?.args[0]?.value).toBe(-1n);
    expect(ops[1]?.args[0]?.value).toBe(-100n);
  });

  it('deduplicates identical strings and keeps buffers apart', () => {
    const p = new Program({ arch: 'x64' });
    expect(p.cstring('/proc').offset).toBe(p.cstring('/proc').offset);
    expect(p.cstringArray(['a', 'b']).offset).toBe(p.cstringArray(['a', 'b']).offset);
    expect(p.bytes(new Uint8Array(4)).offset).not.toBe(p.bytes(new Uint8Array(4)).offset);
  });
});

describe('Program planning', () => {
  it('credits ops to the scope that planned them', () => {
    const p = new Program({ arch: 'x64' });
    p.scope('@gc/rootfs').syscall('chdir', ['/'], 'enter /');
    p.syscall('setsid', [], 'start a session');
    expect(p.ops.map((op) => op.pkg)).toEqual(['@gc/rootfs', '@gc/syscall']);
    expect(p.scope('@gc/rootfs').program).toBe(p);
  });

  it('describes ops by index, and the prologue', () => {
    const p = buildContainerSetup();
    expect(p.describe(5)).toEqual({
      label: 'mount proc on /proc',
      pkg: '@gc/rootfs',
      kind: 'syscall',
      syscall: 'mount',
    });
    expect(p.describe(2)).toEqual({ label: 'wait for the id maps', pkg: '@gc/namespaces', kind: 'wait' });
    expect(p.describe(PROLOGUE_OP_INDEX)).toEqual({
      label: 'prepare the child (signals, fds)',
      pkg: '@gc/syscall',
      kind: 'prologue',
    });
    expect(() => p.describe(99)).toThrow(RangeError);
  });

  it('takes the search path from PATH= in env, else the default', () => {
    const p = new Program({ arch: 'x64' });
    p.execvp('true', ['true'], ['HOME=/'], 'exec true');
    expect(p.ops[0]?.args[3]).toBeNull();
    expect(p.ops[0]?.encoded[3]).toEqual({ kind: 'imm', value: 0n });
    const q = new Program({ arch: 'x64' });
    q.execvp('true', ['true'], ['PATH=/bin'], 'exec true', { path: '/opt/bin' });
    expect(q.ops[0]?.args[3]).toBe('/opt/bin');
  });

  it('formats flags symbolically and refs as $n', () => {
    const p = new Program({ arch: 'x64' });
    const fd = p.syscall('openat', [-100, '/proc/1/ns/net', 0o2000000], 'open the netns');
    p.syscall('setns', [fd, CLONE_NEWUSER | CLONE_NEWNS], 'join');
    p.syscall('mount', ['/a', '/b', null, MS_BIND | MS_REC, null], 'bind /a on /b', { tolerate: ['EBUSY'] });
    p.fork(CLONE_PARENT, 'fork into the pid namespace');
    const lines = p.toString().split('\n');
    expect(lines[0]).toBe('# x64 program, 4 ops, child fds 0<-0 1<-1 2<-2');
    expect(lines[1]).toContain('openat(AT_FDCWD, "/proc/1/ns/net", O_RDONLY|O_CLOEXEC)');
    expect(lines[2]).toContain('setns($0, CLONE_NEWNS|CLONE_NEWUSER)');
    expect(lines[3]).toContain('mount("/a", "/b", NULL, MS_BIND|MS_REC, NULL) tolerate EBUSY');
    expect(lines[3]).toMatch(/bind \/a on \/b {2}\[@gc\/syscall\]$/);
    expect(lines[4]).toContain('fork(CLONE_PARENT)');
  });
});

describe('Program fd table: setFds and keepFd', () => {
  const p = () => new Program({ arch: 'x64' });

  it('keepFd hands a parent fd to the child above the highest target, never on 0-2', () => {
    const program = p();
    expect(program.scope('@gc/namespaces').keepFd(17)).toBe(3);
    expect(program.keepFd(18)).toBe(4);
    expect(program.fds).toEqual([
      { target: 0, source: 0 },
      { target: 1, source: 1 },
      { target: 2, source: 2 },
      { target: 3, source: 17 },
      { target: 4, source: 18 },
    ]);
    expect(p().setFds([]).keepFd(5)).toBe(3);
    expect(
      p()
        .setFds([{ target: 9, source: 1 }])
        .keepFd(5),
    ).toBe(10);
  });

  it('keepFd then setFds: the runtime setting stdio later keeps the kept entry', () => {
    const program = p();
    const target = program.scope('@gc/namespaces').keepFd(17);
    program.setFds([
      { target: 0, source: 40 },
      { target: 1, source: 41 },
      { target: 2, source: 42 },
    ]);
    expect(program.fds).toEqual([
      { target: 0, source: 40 },
      { target: 1, source: 41 },
      { target: 2, source: 42 },
      { target, source: 17 },
    ]);
    // setFds replaces its own entries, never the kept ones.
    program.setFds([]);
    expect(program.fds).toEqual([{ target: 3, source: 17 }]);
  });

  it('setFds then keepFd: the kept entry goes above the ones set', () => {
    const program = p().setFds([
      { target: 0, source: 0 },
      { target: 1, source: 41 },
      { target: 2, source: 42 },
      { target: 3, source: 43 },
    ]);
    expect(program.keepFd(17)).toBe(4);
    expect(program.fds.at(-1)).toEqual({ target: 4, source: 17 });
  });

  it('a setFds entry on a kept target is an error, not a silent replacement', () => {
    const program = p();
    program.scope('@gc/namespaces').keepFd(17);
    expect(() =>
      program.setFds([
        { target: 0, source: 0 },
        { target: 3, source: 30 },
      ]),
    ).toThrow('setFds: entry 1 target 3 is taken: @gc/namespaces kept fd 17 there with keepFd');
    expect(program.fds.map((fd) => fd.target)).toEqual([0, 1, 2, 3]);
  });

  it('kept entries are in the encoded fd table and the explanation', () => {
    const program = p();
    program.keepFd(17);
    program.setFds([{ target: 0, source: 0 }]);
    program.execvp('/bin/true', ['true'], [], 'exec true');
    expect(decodeProgram(program.encode()).fds).toEqual([
      { target: 0, source: 0 },
      { target: 3, source: 17 },
    ]);
    expect(program.toString().split('\n')[0]).toBe('# x64 program, 1 ops, child fds 0<-0 3<-17');
  });
});

describe('Program validation', () => {
  const p = () => new Program({ arch: 'x64' });

  it('rejects more than 6 arguments, naming the label', () => {
    expect(() => p().syscall('mount', [1, 2, 3, 4, 5, 6, 7], 'mount too much')).toThrow(
      /mount too much: mount takes at most 6 arguments, got 7/,
    );
  });

  it('rejects more than 8 tolerated errnos and unknown errno names', () => {
    const many = ['EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF'];
    expect(() => p().syscall('chdir', ['/'], 'cd /', { tolerate: many })).toThrow(
      /cd \/: at most 8 tolerated errnos, got 9/,
    );
    expect(() => p().syscall('chdir', ['/'], 'cd /', { tolerate: ['ENOPE'] })).toThrow(
      /cd \/: cannot tolerate unknown errno "ENOPE"/,
    );
  });

  it('rejects a syscall the arch does not have, or the table does not know', () => {
    const arm = new Program({ arch: 'arm64' });
    const error = (() => {
      try {
        arm.syscall('mkdir', ['/x', 0o755], 'mkdir /x');
      } catch (e) {
        return e;
      }
    })();
    expect(GcError.isInstance(error) && error.code).toBe('ENOSYS_ARCH');
    expect(String(error)).toMatch(/mkdir \/x: syscall mkdir does not exist on arm64/);
    expect(() => p().syscall('frobnicate', [], 'frob')).toThrow(/frob: syscall frobnicate is not in the syscall table/);
  });

  it('rejects bad fd tables, naming the entry and field', () => {
    expect(() => p().setFds([{ target: -1, source: 0 }])).toThrow(/setFds: entry 0 target must be a non-negative/);
    expect(() => p().setFds([{ target: 0, source: 1.5 }])).toThrow(/setFds: entry 0 source/);
    expect(() =>
      p().setFds([
        { target: 0, source: 0 },
        { target: 0, source: 1 },
      ]),
    ).toThrow(/setFds: entry 1 target 0 is a duplicate/);
    const tooMany = Array.from({ length: 257 }, (_, i) => ({ target: i, source: i }));
    expect(() => p().setFds(tooMany)).toThrow(/at most 256 fds, got 257/);
    expect(p().setFds([]).fds).toEqual([]);
  });

  it('rejects a bad keepFd source and a full fd table', () => {
    expect(() => p().keepFd(-1)).toThrow(/keepFd \(@gc\/syscall\): source must be a non-negative 32-bit integer/);
    const full = p().setFds(Array.from({ length: 256 }, (_, i) => ({ target: i, source: i })));
    expect(() => full.scope('@gc/namespaces').keepFd(9)).toThrow(/keepFd \(@gc\/namespaces\): the fd table is full/);
    const kept = p();
    kept.keepFd(9);
    expect(() => kept.setFds(Array.from({ length: 256 }, (_, i) => ({ target: i + 100, source: i })))).toThrow(
      /setFds: at most 256 fds, got 257 \(256 \+ 1 kept with keepFd\)/,
    );
  });

  it('rejects refs to later ops or other programs, and bad immediates', () => {
    const a = p();
    const b = p();
    const ref = b.syscall('getpid', [], 'get pid');
    expect(() => a.syscall('close', [ref], 'close it')).toThrow(
      /close it: argument 0 refers to an op of another program/,
    );
    expect(() => a.syscall('close', [1.5], 'close half')).toThrow(
      /close half: argument 0 \(1.5\) is not a safe integer/,
    );
    expect(() => a.syscall('close', [2n ** 64n], 'close big')).toThrow(/does not fit 64 bits/);
    expect(() => a.syscall('chdir', [b.cstring('/')], 'cd')).toThrow(
      /cd: argument 0 points into another program's arena/,
    );
  });

  it('plans a RUN op: path, argv, env, stdin and output fds (-1: the child own), timeout in ms', () => {
    const prog = p();
    const fd = prog.keepFd(7);
    const opened = prog.syscall('openat', [-100, '/dev/null', 0], 'open /dev/null');
    prog.runAndWait('/bin/hook', ['hook', '-v'], ['A=1'], 'run the hook', {
      stdin: fd,
      output: opened,
      timeoutMs: 1500,
    });
    prog.runAndWait('/bin/other', ['other'], [], 'run the other');
    const [, run, other] = decodeProgram(prog.encode()).ops;
    expect(run?.kind).toBe('run');
    expect(run?.args.map((a) => a.kind)).toEqual(['ptr', 'ptr', 'ptr', 'imm', 'ref', 'imm']);
    expect(run?.args.slice(3).map((a) => a.value)).toEqual([3n, 0n, 1500n]);
    expect(other?.args.slice(3).map((a) => a.value)).toEqual([-1n, -1n, 0n]);
    expect(prog.toString().split('\n')[2]).toMatch(
      /^ 1 {2}run\("\/bin\/hook", \["hook", "-v"\], \["A=1"\], 3, \$0, 1500\) +run the hook/,
    );
    expect(prog.describe(1)).toEqual({ label: 'run the hook', pkg: '@gc/syscall', kind: 'run' });
  });

  it('rejects a RUN op without a path, with a bad fd or timeout', () => {
    const prog = p();
    expect(() => prog.runAndWait('', ['x'], [], 'run nothing')).toThrow(/run nothing: runAndWait needs a path/);
    expect(() => prog.runAndWait('/x', ['x'], [], 'run bad fd', { stdin: -2 })).toThrow(
      /run bad fd: runAndWait stdin must be a non-negative 32-bit integer/,
    );
    expect(() => prog.runAndWait('/x', ['x'], [], 'run bad timeout', { timeoutMs: 1.5 })).toThrow(
      /run bad timeout: runAndWait timeoutMs must be a non-negative integer, got 1.5/,
    );
    expect(prog.ops).toEqual([]);
  });

  it('rejects ops without labels, after execvp, and bad stores and forks', () => {
    const prog = p();
    expect(() => prog.syscall('setsid', [], '')).toThrow(/needs a label/);
    const buf = prog.bytes(new Uint8Array(4));
    expect(() => prog.store(0, buf, 8, 'store too wide')).toThrow(/store too wide: a 8-byte store/);
    expect(() => prog.fork(CLONE_VM, 'fork shared')).toThrow(/fork shared: fork cannot take/);
    prog.execvp('/bin/true', ['true'], [], 'exec true');
    expect(() => prog.syscall('setsid', [], 'too late')).toThrow(/too late: no op can follow the execvp of op 0/);
  });
});
