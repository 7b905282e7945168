/** The package every op of this package is credited to. */
export const PKG = '@gc/namespaces';
