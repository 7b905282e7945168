/**
 * An OCI runtime config.json checked against the runtime-spec's own JSON
 * schema (schema/, compiled at build time into src/generated/), then by the
 * few rules runc makes that a schema cannot say. A failure is one SpecError
 * naming the field as a JSON path: `process.args[0]: expected a string`.
 */
import { SpecError } from './errors.js';
import { type SchemaError, validateConfig } from './generated/config-schema.js';
import { checkHooks } from './hooks/check-hooks.js';
import type { Process, Spec } from './spec.js';

/** The runtime-spec major version this runtime reads (configs of 1.0.x, 1.1.x and 1.2.x). */
const SPEC_MAJOR = 1;

/** The field the whole document stands for in messages. */
const DOCUMENT = 'config.json';

/** Checks a parsed config.json and returns it typed; throws SpecError naming the first wrong field. */
export function validateSpec(json: unknown): Spec {
  checkVersion(json);
  if (!validateConfig(json)) throw schemaError(validateConfig.errors ?? [], json);
  const spec = json as Spec;
  checkSemantics(spec);
  return spec;
}

/** The SpecError for ajv's failures of `json`: the most specific one, naming its field. */
export function schemaError(errors: SchemaError[], json: unknown): SpecError {
  const [field, expected] = describe(mostSpecific(errors), json);
  return new SpecError(field, expected);
}

/**
 * Checks a parsed OCI `process` object (runc's `exec --process FILE`, the
 * config.json's `process` shape) by the same schema and rules: a failure is
 * a SpecError naming the field as `process.args[0]`, `process.user.uid`.
 */
export function validateProcess(json: unknown): Process {
  if (!isObject(json)) throw new SpecError('process', `expected an object, got ${kindOf(json)}`);
  // The schema of a config that holds nothing else: only the process can be wrong.
  return validateSpec({ ociVersion: '1.2.0', root: { path: 'rootfs' }, process: json }).process;
}

function checkVersion(json: unknown): void {
  if (!isObject(json) || typeof json.ociVersion !== 'string') return; // the schema names what is wrong
  const version = json.ociVersion;
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(version);
  if (!match) throw new SpecError('ociVersion', `${JSON.stringify(version)} is not a version (MAJOR.MINOR.PATCH)`);
  if (Number(match[1]) !== SPEC_MAJOR) {
    throw new SpecError('ociVersion', `${JSON.stringify(version)} is not supported: expected 1.x (1.0 to 1.2)`);
  }
}

/** runc's checks beyond the schema: the ones that make a config that cannot run. */
function checkSemantics(spec: Spec): void {
  if (spec.root === undefined) throw new SpecError('root', 'required');
  if (spec.root.path === '') throw new SpecError('root.path', 'expected a path, got ""');
  if (spec.process === undefined) throw new SpecError('process', 'required');
  if (spec.process.args === undefined || spec.process.args.length === 0) {
    throw new SpecError('process.args', 'expected at least one argument, the command');
  }
  if (!spec.process.cwd.startsWith('/')) {
    throw new SpecError('process.cwd', `expected an absolute path, got ${JSON.stringify(spec.process.cwd)}`);
  }
  spec.mounts?.forEach((mount, i) => {
    if (!mount.destination.startsWith('/')) {
      throw new SpecError(
        `mounts[${i}].destination`,
        `expected an absolute path, got ${JSON.stringify(mount.destination)}`,
      );
    }
  });
  const seen = new Map<string, number>();
  spec.linux?.namespaces?.forEach((ns, i) => {
    const first = seen.get(ns.type);
    if (first !== undefined) {
      throw new SpecError(
        `linux.namespaces[${i}].type`,
        `"${ns.type}" is given twice (also linux.namespaces[${first}])`,
      );
    }
    seen.set(ns.type, i);
  });
  const hasUserNs = seen.has('user');
  for (const key of ['uidMappings', 'gidMappings'] as const) {
    if ((spec.linux?.[key]?.length ?? 0) > 0 && !hasUserNs) {
      throw new SpecError(`linux.${key}`, 'needs a user namespace (linux.namespaces: { "type": "user" })');
    }
  }
  if (spec.linux?.timeOffsets !== undefined && !seen.has('time')) {
    throw new SpecError('linux.timeOffsets', 'needs a time namespace (linux.namespaces: { "type": "time" })');
  }
  checkHooks(spec.hooks);
}

/**
 * The error to show: the deepest field wins (the branch of an anyOf that got
 * furthest, the item inside an array rather than the array); at equal depth,
 * a concrete check rather than the anyOf/oneOf that sums up its branches.
 */
function mostSpecific(errors: SchemaError[]): SchemaError {
  let best = errors[0];
  if (best === undefined) throw new Error('validateConfig failed without an error');
  for (const error of errors) {
    const depth = depthOf(error) - depthOf(best);
    if (depth > 0 || (depth === 0 && isSummary(best) && !isSummary(error))) best = error;
  }
  return best;
}

function isSummary(error: SchemaError): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'allOf';
}

function depthOf(error: SchemaError): number {
  const segments = error.instancePath === '' ? 0 : error.instancePath.split('/').length - 1;
  return error.keyword === 'required' ? segments + 1 : segments;
}

/** [field, what was expected] for one ajv error. */
function describe(error: SchemaError, json: unknown): [string, string] {
  const segments = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(unescapePointer);
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return [fieldName([...segments, String(p.missingProperty)]), 'required'];
    case 'type':
      return [fieldName(segments), `expected ${article(String(p.type))}, got ${kindOf(valueAt(json, segments))}`];
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).join(', ');
      return [fieldName(segments), `${JSON.stringify(valueAt(json, segments))} is not one of ${allowed}`];
    }
    case 'pattern':
      return [fieldName(segments), `${JSON.stringify(valueAt(json, segments))} does not match ${String(p.pattern)}`];
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return [fieldName(segments), `expected ${bound} ${String(p.limit)}, got ${String(valueAt(json, segments))}`];
    }
    case 'minItems':
      return [fieldName(segments), `expected at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`];
    default:
      return [fieldName(segments), `fails the runtime-spec schema's ${error.keyword} check`];
  }
}

/** The value at a path of the document. */
function valueAt(json: unknown, segments: string[]): unknown {
  let value = json;
  for (const segment of segments)
    value = isObject(value) || Array.isArray(value) ? (value as never)[segment] : undefined;
  return value;
}

/** `process.args[0]`, `linux.sysctl["net.ipv4.ip_forward"]`; `config.json` for the document itself. */
function fieldName(segments: string[]): string {
  let name = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) name += name === '' ? segment : `.${segment}`;
    else name += `[${JSON.stringify(segment)}]`;
  }
  return name === '' ? DOCUMENT : name;
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function article(type: string): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return article(typeof value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
