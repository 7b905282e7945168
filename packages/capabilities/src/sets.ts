/** The five capability sets of a Linux process, by their OCI names. */
export const CAPABILITY_SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const;

export type CapabilitySetName = (typeof CAPABILITY_SETS)[number];

/** OCI `process.capabilities` as a config holds it: every set optional, names like `CAP_KILL`. */
export type CapabilitiesInput = { readonly [K in CapabilitySetName]?: readonly string[] | undefined };

/** Validated sets: every set present, no duplicates, in capability-number order. */
export type CapabilitySets = { readonly [K in CapabilitySetName]: readonly string[] };
