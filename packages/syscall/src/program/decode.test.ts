import { describe, expect, it } from 'vitest';
import { buildContainerSetup } from './__golden__/container-setup.js';
import { decodeProgram } from './decode.js';
import { HEADER, HEADER_SIZE, OP } from './format.js';
import { Program } from './program.js';

function corrupt(edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = buildContainerSetup().encode();
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

describe('decodeProgram validation', () => {
  const cases: Array<[string, (v: DataView, b: Uint8Array) => void, RegExp]> = [
    ['magic', (v) => v.setUint32(HEADER.magic, 0x12345678, true), /header magic is 0x12345678/],
    ['version', (v) => v.setUint16(HEADER.version, 2, true), /header version is 2/],
    ['arch', (v) => v.setUint16(HEADER.arch, 3, true), /header arch is 3/],
    ['total_len', (v) => v.setUint32(HEADER.totalLen, 8, true), /header total_len is 8/],
    [
      'alignment',
      (v) => v.setUint32(HEADER.fdsOff, v.getUint32(HEADER.fdsOff, true) + 4, true),
      /fds_off \d+ is not 8-aligned/,
    ],
    ['bounds', (v) => v.setUint32(HEADER.arenaLen, 1 << 20, true), /arena_off \d+ \(\+1048576 bytes\) is outside/],
    ['fd_count', (v) => v.setUint32(HEADER.fdCount, 300, true), /fd_count is 300, at most 256/],
    ['op kind', (v) => v.setUint8(HEADER_SIZE + OP.kind, 99), /op 0 kind is 99/],
    ['nargs', (v) => v.setUint8(HEADER_SIZE + OP.nargs, 7), /op 0 nargs is 7, at most 6/],
    ['ntol', (v) => v.setUint8(HEADER_SIZE + OP.ntol, 9), /op 0 ntol is 9, at most 8/],
    [
      'label',
      (v) => v.setUint32(HEADER_SIZE + OP.labelOff, 1 << 30, true),
      /op 0 label_off \d+ is not a NUL-terminated string/,
    ],
    [
      'forward ref',
      (v) => {
        // op 19 closes $17: make it refer to itself.
        v.setBigInt64(HEADER_SIZE + 19 * 128 + OP.args + 8, 19n, true);
      },
      /op 19 arg 0 refers to op 19/,
    ],
    ['results', (v) => v.setUint8(v.getUint32(HEADER.resultsOff, true), 1), /result of op 0 is not zero/],
  ];

  for (const [name, edit, message] of cases) {
    it(`names the field at fault: ${name}`, () => {
      expect(() => decodeProgram(corrupt(edit))).toThrow(message);
    });
  }

  it('refuses a RUN op whose timeout is not a constant', () => {
    const prog = new Program({ arch: 'x64' });
    prog.runAndWait('/bin/hook', ['hook'], [], 'run the hook', { timeoutMs: 1000 });
    const bytes = prog.encode();
    const view = new DataView(bytes.buffer);
    view.setUint32(HEADER_SIZE + OP.args + 5 * 16, 1, true); // arg 5: PTR 0
    view.setBigInt64(HEADER_SIZE + OP.args + 5 * 16 + 8, 0n, true);
    expect(() => decodeProgram(bytes)).toThrow(/op 0 is a run without \(PTR path, PTR argv, PTR envp/);
  });

  it('refuses a blob shorter than the header', () => {
    expect(() => decodeProgram(new Uint8Array(10))).toThrow(/10 bytes is shorter than the 64-byte header/);
  });
});
