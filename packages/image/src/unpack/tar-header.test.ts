import { execFileSync } from 'node:child_process';
import { decode } from 'tar-stream/headers.js';
import { describe, expect, it } from 'vitest';
import { decodeHeader } from './tar-header.js';
import { buildTar } from './test-layers.js';

/** The header blocks of `tar`, found as tar-stream's decode reads them. */
function headerBlocks(tar: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const block = tar.subarray(at, at + 512);
    const header = decode(block, 'utf-8', false);
    at += 512;
    if (header === null) continue;
    blocks.push(Buffer.from(block));
    const size = header.type === 'directory' ? 0 : header.size;
    at += Math.ceil(size / 512) * 512;
  }
  return blocks;
}

/** What tar-stream's decode makes of a block: the header, or its error's message. */
function reference(block: Buffer): unknown {
  try {
    return decode(block, 'utf-8', false);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function decoded(block: Buffer): unknown {
  try {
    return decodeHeader(block);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function withChecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** A small deterministic generator (mulberry32): the same cases every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('decodeHeader', () => {
  it('reads every header of real tars exactly as tar-stream decode does', async () => {
    const blocks = [
      ...headerBlocks(execFileSync('tar', ['-cf', '-', '--format=gnu', '-C', '/usr/share', 'common-licenses'])),
      ...headerBlocks(execFileSync('tar', ['-cf', '-', '--format=pax', '-C', '/usr/share', 'common-licenses'])),
      ...headerBlocks(execFileSync('tar', ['-cf', '-', '--format=ustar', '-C', '/usr/share', 'common-licenses'])),
      ...headerBlocks(
        await buildTar([
          { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
          { name: 'ünïcödé/名前', data: 'x', uname: 'ü', gname: 'staff' },
          { name: `${'p'.repeat(150)}/name`, data: 'x', uid: 0o7777777, mtime: new Date(0) },
        ]),
      ),
    ];
    expect(blocks.length).toBeGreaterThan(20);
    for (const block of blocks) expect(decoded(block)).toEqual(reference(block));
  });

  it('agrees with tar-stream decode on altered blocks: odd numbers, base-256, bad checksums, other magic', () => {
    const blocks = headerBlocks(
      execFileSync('tar', ['-cf', '-', '--format=gnu', '-C', '/usr/share', 'common-licenses']),
    );
    const next = random(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    // Bytes that matter to the number fields' reading, and some that do not.
    const bytes = [0x00, 0x20, 0x30, 0x37, 0x38, 0x2b, 0x2d, 0x09, 0x80, 0xff, 0x41, 0x75];
    const fields = [
      [100, 8],
      [108, 8],
      [116, 8],
      [124, 12],
      [136, 12],
      [156, 1],
      [257, 8],
      [329, 8],
      [337, 8],
      [345, 4],
    ] as const;
    for (let i = 0; i < 3000; i++) {
      const block = Buffer.from(pick(blocks));
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
        const [offset, length] = pick(fields);
        block[offset + Math.floor(next() * length)] = pick(bytes);
      }
      if (next() < 0.8) withChecksum(block);
      expect(decoded(block), `case ${i}: ${block.toString('hex')}`).toEqual(reference(block));
    }
    const zero = Buffer.alloc(512);
    expect(decodeHeader(zero)).toBeNull();
  });
});
