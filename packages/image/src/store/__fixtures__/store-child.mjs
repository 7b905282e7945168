// A second process using the store, for the tests of concurrency and crashes.
// Runs the built package (dist/): `pnpm run build` first.
// node store-child.mjs ingest ROOT DIGEST SIZE FILE DELAY_MS
// node store-child.mjs add ROOT MANIFEST_DIGEST SIZE NAME_PREFIX COUNT
import { readFileSync } from 'node:fs';
import { createKernel } from '@gc/syscall';
import { createImageStore } from '../../../dist/index.js';

const [action, root, digest, size, ...rest] = process.argv.slice(2);
const store = createImageStore({ root, kernel: createKernel(), lockTimeoutMs: 60_000 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (action === 'ingest') {
  const [file, delay] = rest;
  const data = readFileSync(file);
  const writer = await store.ingest({ digest, size: Number(size) });
  if (writer === undefined) {
    console.log('present');
  } else {
    console.log(`offset ${writer.offset}`);
    const chunk = 64 * 1024;
    for (let at = writer.offset; at < data.length; at += chunk) {
      await writer.write(data.subarray(at, Math.min(at + chunk, data.length)));
      console.log(`wrote ${Math.min(at + chunk, data.length)}`);
      await sleep(Number(delay));
    }
    await writer.commit();
    console.log('committed');
  }
} else if (action === 'add') {
  const [prefix, count] = rest;
  for (let i = 0; i < Number(count); i++) {
    await store.addImage(
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: Number(size) },
      {
        names: [`${prefix}-${i}`],
      },
    );
  }
  console.log('added');
} else {
  throw new Error(`unknown action ${action}`);
}
