// Reading untrusted JSON with errors that name the file and field.
import type { Descriptor } from '../descriptor.js';
import { isDigest } from '../digest.js';
import { archiveError } from './archive-error.js';

export type Json = Record<string, unknown>;

/** Where in which archive a value was read, for errors: `busybox.tar`, `manifest.json[0].Config`. */
export interface Where {
  source: string;
  field: string;
}

export function at(where: Where, field: string | number): Where {
  return {
    source: where.source,
    field: typeof field === 'number' ? `${where.field}[${field}]` : `${where.field}.${field}`,
  };
}

function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

export function fail(where: Where, message: string): Error {
  return archiveError(where.source, where.field, message);
}

export function parseJson(data: Buffer, where: Where): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw archiveError(where.source, where.field, `not valid JSON (${(error as Error).message})`, error);
  }
}

export function expectObject(value: unknown, where: Where): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(where, `${shown(value)}, expected an object`);
  }
  return value as Json;
}

export function expectArray(value: unknown, where: Where): unknown[] {
  if (!Array.isArray(value)) throw fail(where, `${shown(value)}, expected an array`);
  return value;
}

export function expectString(value: unknown, where: Where): string {
  if (typeof value !== 'string' || value === '') throw fail(where, `${shown(value)}, expected a non-empty string`);
  return value;
}

export function optionalStrings(value: unknown, where: Where): string[] {
  if (value === undefined || value === null) return [];
  return expectArray(value, where).map((item, i) => expectString(item, at(where, i)));
}

/** A descriptor's mediaType, digest and size checked; annotations and platform kept when well formed. */
export function expectDescriptor(value: unknown, where: Where): Descriptor {
  const object = expectObject(value, where);
  const mediaType = object.mediaType === undefined ? '' : expectString(object.mediaType, at(where, 'mediaType'));
  if (!isDigest(object.digest)) {
    throw fail(at(where, 'digest'), `${shown(object.digest)}, expected sha256: and 64 lowercase hex digits`);
  }
  const size = object.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw fail(at(where, 'size'), `${shown(size)}, expected a byte count`);
  }
  const descriptor: Descriptor = { mediaType, digest: object.digest, size };
  if (object.annotations !== undefined) {
    const annotations = expectObject(object.annotations, at(where, 'annotations'));
    for (const [key, item] of Object.entries(annotations)) {
      if (typeof item !== 'string') throw fail(at(at(where, 'annotations'), key), `${shown(item)}, expected a string`);
    }
    descriptor.annotations = annotations as Record<string, string>;
  }
  if (object.platform !== undefined) {
    const platform = expectObject(object.platform, at(where, 'platform'));
    descriptor.platform = {
      os: expectString(platform.os, at(at(where, 'platform'), 'os')),
      architecture: expectString(platform.architecture, at(at(where, 'platform'), 'architecture')),
      ...(typeof platform.variant === 'string' ? { variant: platform.variant } : {}),
    };
  }
  return descriptor;
}
