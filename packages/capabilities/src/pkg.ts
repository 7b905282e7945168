/** The package every op of this package is credited to. */
export const PKG = '@gc/capabilities';

/** `GcError.code` of a configuration this package refuses (same code as the other primitives use). */
export const INVALID_CONFIG = 'EINVAL_CONFIG';
