declare const __GC_VERSION__: string | undefined;
declare const __GC_COMMIT__: string | undefined;

/** apps/cli/package.json's version, put in by tsup at build time. */
export const VERSION = typeof __GC_VERSION__ === 'string' ? __GC_VERSION__ : '0.0.0-dev';

/** The git commit the bundle was built from (tsup, `git rev-parse HEAD`), or "unknown". */
export const COMMIT = typeof __GC_COMMIT__ === 'string' ? __GC_COMMIT__ : 'unknown';

/** The newest runtime-spec version gocontainer takes and writes (`spec`, `features`, `--version`). */
export const OCI_VERSION = '1.2.0';

/** `gocontainer --version`: runc's lines, which dockerd parses (it reads the commit line). */
export function versionText(): string {
  return `gocontainer version ${VERSION}\ncommit: ${COMMIT}\nspec: ${OCI_VERSION}\n`;
}
