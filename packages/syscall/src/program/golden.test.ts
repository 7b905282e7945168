import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildContainerSetup } from './__golden__/container-setup.js';

// Regenerate with UPDATE_GOLDEN=1 and commit the files: a change in them is a
// change of the wire format or of what the explainer prints.
const dir = fileURLToPath(new URL('./__golden__/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: Uint8Array | string): Buffer {
  const path = `${dir}${name}`;
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}: run the tests with UPDATE_GOLDEN=1`);
  return readFileSync(path);
}

describe('golden container setup program', () => {
  it('encodes to the committed bytes', () => {
    const bytes = buildContainerSetup().encode();
    const expected = golden('container-setup.bin', bytes);
    expect(Buffer.from(bytes).toString('hex')).toBe(expected.toString('hex'));
  });

  it('explains to the committed text', () => {
    const text = `${buildContainerSetup().toString()}\n`;
    expect(text).toBe(golden('container-setup.txt', text).toString('utf8'));
  });

  it('builds the same bytes every time', () => {
    expect(buildContainerSetup().encode()).toEqual(buildContainerSetup().encode());
  });
});
