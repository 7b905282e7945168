import type { Descriptor } from '../descriptor.js';

/** An image an import found and verified, not yet recorded in the store. */
export interface PlannedImage {
  manifest: Descriptor;
  config: Descriptor;
  /** Full names to point at it. */
  names: string[];
  /** ref.names that are only a tag, left unnamed because the caller gave no repository. */
  tagsWithoutName: string[];
}

/** Add `image` to `plans`, merging names when another entry named the same manifest. */
export function addPlan(plans: PlannedImage[], image: PlannedImage): void {
  const same = plans.find((plan) => plan.manifest.digest === image.manifest.digest);
  if (same === undefined) {
    plans.push(image);
    return;
  }
  for (const name of image.names) if (!same.names.includes(name)) same.names.push(name);
  for (const tag of image.tagsWithoutName) if (!same.tagsWithoutName.includes(tag)) same.tagsWithoutName.push(tag);
}
