/**
 * ajv's failures of one document as one EIMAGE_INVALID error naming the
 * field as a path under the document's name: `manifest.layers[0].digest:
 * "x" does not match ...`.
 */
import { GcError } from '@gc/syscall';
import type { SchemaError } from '../generated/image-schema.js';

/** The error for a document (`manifest`, `config`) that failed its schema. */
export function schemaError(document: string, errors: SchemaError[], json: unknown): GcError {
  const [segments, expected] = describe(mostSpecific(errors), json);
  return invalid(document, segments, expected);
}

/** EIMAGE_INVALID naming `document` and the field at `segments`. */
export function invalid(document: string, segments: (string | number)[], expected: string): GcError {
  return new GcError('EIMAGE_INVALID', `${fieldName(document, segments.map(String))}: ${expected}`);
}

/**
 * The deepest field wins (the item inside an array rather than the array);
 * at equal depth, a concrete check rather than the oneOf that sums up its branches.
 */
function mostSpecific(errors: SchemaError[]): SchemaError {
  let best = errors[0];
  if (best === undefined) throw new Error('a schema failed without an error');
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
  const segments = pointerSegments(error.instancePath).length;
  return error.keyword === 'required' ? segments + 1 : segments;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
}

/** [path, what was expected] for one ajv error. */
function describe(error: SchemaError, json: unknown): [string[], string] {
  const segments = pointerSegments(error.instancePath);
  const p = error.params;
  const value = () => valueAt(json, segments);
  switch (error.keyword) {
    case 'required':
      return [[...segments, String(p.missingProperty)], 'required'];
    case 'type':
      return [segments, `expected ${article(String(p.type))}, got ${kindOf(value())}`];
    case 'enum':
      return [segments, `${JSON.stringify(value())} is not one of ${(p.allowedValues as unknown[]).join(', ')}`];
    case 'pattern':
      return [segments, `${JSON.stringify(value())} does not match ${String(p.pattern)}`];
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return [segments, `expected ${bound} ${String(p.limit)}, got ${String(value())}`];
    }
    case 'minItems':
      return [segments, `expected at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`];
    case 'oneOf':
    case 'anyOf':
      return [segments, `${kindOf(value())} is none of the forms the image-spec allows here`];
    default:
      return [segments, `fails the image-spec schema's ${error.keyword} check`];
  }
}

function valueAt(json: unknown, segments: string[]): unknown {
  let value = json;
  for (const segment of segments) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}

/** `manifest.layers[0].digest`, `config.config.Labels["a.b"]`; the document's name for the document itself. */
function fieldName(document: string, segments: string[]): string {
  let name = document;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) name += `.${segment}`;
    else name += `[${JSON.stringify(segment)}]`;
  }
  return name;
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function article(type: string): string {
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return article(typeof value);
}
