import { describe, expect, it } from 'vitest';
import { buildContainerSetup } from './__golden__/container-setup.js';
import { EncodedProgram } from './encoded-program.js';
import { SYNC_FD } from './op.js';
import { Program } from './program.js';

describe('EncodedProgram', () => {
  const planned = buildContainerSetup();
  const blob = planned.encode();

  it.each([
    ['checked', {}],
    ['trusted', { trusted: true }],
  ])('encodes to the bytes it was read from, and describes every op as the planned program does (%s)', (_, opts) => {
    const encoded = new EncodedProgram(blob, opts);
    expect(Buffer.from(encoded.encode()).equals(Buffer.from(blob))).toBe(true);
    expect(encoded.arch).toBe(planned.arch);
    expect(encoded.fds).toEqual(planned.fds);
    expect(encoded.ops.map((op) => [op.kind, op.syscall, op.label, op.pkg, op.tolerate])).toEqual(
      planned.ops.map((op) => [op.kind, op.syscall, op.label, op.pkg, op.tolerate]),
    );
    for (const op of planned.ops) expect(encoded.describe(op.index)).toEqual(planned.describe(op.index));
    expect(encoded.describe(0xffffffff)).toEqual(planned.describe(0xffffffff));
  });

  it('keeps what spawn looks at: which ops take the sync socket', () => {
    const p = new Program();
    p.syscall('sendto', [p.syncFd, null, 0, 0x40, null, 0], 'check the parent');
    p.execvp('/bin/true', ['true'], [], 'exec true');
    const encoded = new EncodedProgram(p.encode());
    expect(encoded.ops[0]?.args).toContain(SYNC_FD);
  });

  it('is a copy: changing the bytes it was given changes nothing', () => {
    const bytes = Uint8Array.from(blob);
    const encoded = new EncodedProgram(bytes, { trusted: true });
    bytes.fill(0);
    expect(Buffer.from(encoded.encode()).equals(Buffer.from(blob))).toBe(true);
    expect(encoded.ops.map((op) => op.label)).toEqual(planned.ops.map((op) => op.label));
  });

  it('refuses a bad blob, and refuses to plan more ops', () => {
    expect(() => new EncodedProgram(blob.subarray(0, 10))).toThrow(/invalid program/);
    expect(() => new EncodedProgram(blob.subarray(0, 10), { trusted: true })).toThrow(/invalid program/);
    expect(() => new EncodedProgram(blob.subarray(0, blob.length - 8), { trusted: true })).toThrow(/invalid program/);
    const encoded = new EncodedProgram(blob);
    expect(() => encoded.syscall('getpid', [], 'one more')).toThrow(/complete/);
    expect(() => encoded.keepFd(5)).toThrow(/complete/);
    expect(() => encoded.setFds([])).toThrow(/complete/);
  });
});
