// Types of config-schema.js, which scripts/compile-schema.mjs generates at build time.

/** One failure as ajv reports it (the fields src/validate-spec.ts reads). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** The runtime-spec's config-schema.json, compiled: true if `data` matches; the failures in `errors` otherwise. */
export declare const validateConfig: {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
};
