// The store the archive tests load into: the real one, under a temp root.
import { createKernel } from '@gc/syscall';
import { createImageStore } from '../store/create-image-store.js';
import type { ImageStore } from '../store/image-store.js';

const kernel = createKernel();

export function createTestStore(root: string): ImageStore {
  return createImageStore({ root, kernel, lockTimeoutMs: 20_000 });
}
