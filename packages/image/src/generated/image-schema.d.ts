// Types of image-schema.js, which scripts/compile-schema.mjs generates at build time.

/** One failure as ajv reports it (the fields src/validate/schema-error.ts reads). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A compiled schema: true if `data` matches; the failures in `errors` otherwise. */
export interface CompiledSchema {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** image-manifest-schema.json (OCI manifests and Docker schema 2 manifests). */
export declare const validateManifestSchema: CompiledSchema;
/** image-index-schema.json (OCI indexes and Docker manifest lists). */
export declare const validateIndexSchema: CompiledSchema;
/** config-schema.json (OCI and Docker image configs). */
export declare const validateConfigSchema: CompiledSchema;
